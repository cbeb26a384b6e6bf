import type { ChatRequest } from "../core/types.js";
import type { GatewayContext } from "../gateway/context.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import { getState, setState, StateKey } from "../gateway/state.js";
import { deploymentCallKey } from "../customization/deployments/deployment-call.js";
import { applyInputPolicy, applyInputPolicyPerText, chatFieldName, GuardrailBlockedError, type FieldNamer } from "./apply-input.js";
import type { AuditLog, NewAuditEntry } from "./audit-log.js";
import type { GuardrailsConfig, OutputAction, PolicyLayer } from "./config.js";
import { detectorSetFromConfig } from "./detectors/from-config.js";
import { scoreInjection } from "./injection.js";
import { guardOutput } from "./output-stream.js";
import { PolicyResolver, type PolicySubject, type ProviderInfo } from "./resolve-policy.js";
import { cannotRouteLocally, routeLocalFindings, routeToLocalModel, satisfiedRouteLocal } from "./route-local.js";
import type { MaskVault } from "./vault.js";

export interface GuardrailsMiddlewareOptions {
  config: GuardrailsConfig;
  audit: AuditLog;
  /**
   * The providers a public model name can reach (its routes), or undefined when it cannot be told
   * ahead of routing; then every configured provider counts, which errs on the strict side.
   */
  candidateProviders(model: string): readonly ProviderInfo[] | undefined;
  allProviders(): readonly ProviderInfo[];
  /** The guardrail policy a deployment of this public name carries, if any. */
  deploymentPolicy?(model: string): PolicyLayer | undefined;
  /** The public model (local routes only) that answers requests a `route_local` policy keeps here. */
  localModel?: string;
}

/** What the guardrails learned about a request, for later middleware (metering, logs). */
export interface GuardrailsState {
  vault: MaskVault;
  injectionScore?: number;
}

export const guardrailsStateKey = new StateKey<GuardrailsState>("guardrails");

export const INJECTION_CATEGORY = "prompt_injection";

/**
 * Guardrails as one middleware. Input policies are applied before routing, using the model's route
 * plan to pick provider-specific rules (strictest across its fallback routes); output checks and
 * unmasking wrap the stream the chosen provider returns. It runs after deployments, so it sees the
 * final prompt, and takes policies by the public name the client called (`deploymentCallKey`).
 * The same middleware guards embeddings and text completions, which reach it as a one-message chat.
 */
export function createGuardrailsMiddleware(options: GuardrailsMiddlewareOptions): ChatMiddleware {
  const { config, audit } = options;
  const detectors = detectorSetFromConfig(config.detectors);
  const resolver = new PolicyResolver(config, detectors.categories, (model) => options.deploymentPolicy?.(model));
  const record = (entries: NewAuditEntry[]) => {
    if (config.audit.enabled && entries.length > 0) audit.record(entries);
  };

  return {
    name: "guardrails",
    async handle(context, next) {
      if (!config.enabled) return next(context);
      const subject: PolicySubject = {
        keyId: context.principal.keyId,
        projectId: context.principal.projectId,
        // A deployment has already rewritten the request to its model: its policy goes by the name called.
        model: getState(context, deploymentCallKey)?.name ?? context.request.model,
      };
      const entry = (direction: NewAuditEntry["direction"], category: string, action: NewAuditEntry["action"], count: number, provider?: string): NewAuditEntry => ({
        requestId: context.requestId,
        keyId: subject.keyId,
        projectId: subject.projectId,
        model: subject.model,
        provider,
        direction,
        category,
        action,
        count,
      });

      const injection = checkInjection(context.request, config, (score, blocked) => {
        const item = entry("input", INJECTION_CATEGORY, blocked ? "block" : "score", 1);
        record([{ ...item, score }]);
        context.responseHeaders["x-switchyard-injection-score"] = score.toFixed(3);
      });

      const providers = options.candidateProviders(subject.model) ?? options.allProviders();
      let policy = resolver.input(subject, providers);
      const keepHere = routeLocalFindings(context.request, policy, detectors, fieldNamer(context));
      if (keepHere.length > 0) {
        const first = keepHere[0]!.category;
        const refusal =
          context.operation === "embeddings" ? cannotRouteLocally(first, "embeddings") : options.localModel === undefined ? cannotRouteLocally(first, "no-local-model") : undefined;
        if (refusal) {
          record([entry("input", first, "block", 1)]);
          throw refusal;
        }
        const localModel = options.localModel!;
        const localProviders = options.candidateProviders(localModel) ?? [];
        record(keepHere.map((tally) => entry("input", tally.category, "route_local", tally.count, localProviders.map((provider) => provider.name).join(",") || undefined)));
        routeToLocalModel(context, localModel);
        policy = satisfiedRouteLocal(resolver.input(subject, localProviders));
      }
      let outcome;
      try {
        const apply = context.operation === "embeddings" ? applyInputPolicyPerText : applyInputPolicy;
        outcome = apply(context.request, policy, detectors, fieldNamer(context));
      } catch (error) {
        if (error instanceof GuardrailBlockedError) record([entry("input", error.category, "block", 1)]);
        throw error;
      }
      record(outcome.tally.filter((tally) => tally.action !== "allow").map((tally) => entry("input", tally.category, tally.action as NewAuditEntry["action"], tally.count)));
      context.request = outcome.request;
      setState(context, guardrailsStateKey, { vault: outcome.vault, injectionScore: injection });
      if (outcome.masked > 0) context.responseHeaders["x-switchyard-guardrails-masked"] = String(outcome.masked);

      const result = await next(context);
      const provider = context.route?.provider;
      const outputPolicy = resolver.output(subject, provider);
      const counts = new Map<string, number>();
      const onAction = (category: string, action: OutputAction) => {
        const key = `${category}\u0000${action}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      };
      const flushAudit = () => {
        record(
          [...counts].map(([key, count]) => {
            const [category, action] = key.split("\u0000") as [string, "redact" | "block"];
            return entry("output", category, action, count, provider);
          }),
        );
        counts.clear();
      };
      return {
        stream: auditedAtEnd(
          guardOutput(result.stream, { vault: outcome.vault, detectors, policy: outputPolicy, window: config.output_window, onAction }),
          flushAudit,
        ),
      };
    },
  };
}

/**
 * Embeddings and text completions arrive as a one-message chat (see PlainCalls): their texts are
 * named to the client by the fields it sent, `input`/`input[i]` and `prompt`. In a chat, the
 * messages a deployment put first are its `system_prompt` (variables filled in), and the client's
 * own messages keep the indices it sent them with.
 */
function fieldNamer(context: GatewayContext): FieldNamer {
  if (context.operation === "completions") return () => "prompt";
  if (context.operation === "embeddings") {
    const single = context.request.messages[0]?.content.length === 1;
    return ({ part }) => (single ? "input" : `input[${part}]`);
  }
  const prepended = getState(context, deploymentCallKey)?.prependedMessages ?? 0;
  if (prepended === 0) return chatFieldName;
  return (location) => (location.message < prepended ? "system_prompt" : chatFieldName({ ...location, message: location.message - prepended }));
}

/** Scores tool results; throws when the policy blocks at the threshold. Returns the highest score. */
function checkInjection(
  request: ChatRequest,
  config: GuardrailsConfig,
  report: (score: number, blocked: boolean) => void,
): number | undefined {
  if (config.injection.action === "off") return undefined;
  let highest: number | undefined;
  for (const message of request.messages) {
    if (message.role !== "tool") continue;
    for (const result of message.content) {
      for (const part of result.content) {
        if (part.type !== "text") continue;
        const { score } = scoreInjection(part.text);
        highest = Math.max(highest ?? 0, score);
      }
    }
  }
  if (highest === undefined) return undefined;
  const blocked = config.injection.action === "block" && highest >= config.injection.threshold;
  report(highest, blocked);
  if (blocked) {
    throw new GuardrailBlockedError(INJECTION_CATEGORY, "request");
  }
  return highest;
}

async function* auditedAtEnd<T>(stream: AsyncIterable<T>, done: () => void): AsyncGenerator<T> {
  try {
    yield* stream;
  } finally {
    done();
  }
}

