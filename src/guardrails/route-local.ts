import { SwitchyardError } from "../core/errors.js";
import type { ChatRequest } from "../core/types.js";
import type { GatewayContext } from "../gateway/context.js";
import { applyInputPolicy, type ActionTally, type FieldNamer } from "./apply-input.js";
import type { InputAction } from "./config.js";
import type { DetectorSet } from "./detectors/index.js";

/** The response header that tells a client its request was answered on this machine. */
export const ROUTED_HEADER = "x-switchyard-guardrails-routed";

/**
 * The `route_local` findings of a request: categories whose policy keeps the request off third
 * parties altogether. Nothing is rewritten; the tally says what was found and how often.
 */
export function routeLocalFindings(request: ChatRequest, policy: ReadonlyMap<string, InputAction>, detectors: DetectorSet, fieldName: FieldNamer): ActionTally[] {
  const wanted = new Map<string, InputAction>();
  for (const [category, action] of policy) if (action === "route_local") wanted.set(category, "route_local");
  if (wanted.size === 0) return [];
  return applyInputPolicy(request, wanted, detectors, fieldName).tally;
}

/**
 * Once a request goes to the local model, `route_local` has done its work: the data stays on the
 * machine, so those categories are let through to it (other actions of a non-exempt local provider
 * still apply).
 */
export function satisfiedRouteLocal(policy: ReadonlyMap<string, InputAction>): Map<string, InputAction> {
  return new Map([...policy].map(([category, action]) => [category, action === "route_local" ? "allow" : action]));
}

/**
 * Points the request at the local model. The operator's policy chose that model, not the caller,
 * so a key limited to some models may still be answered by it.
 */
export function routeToLocalModel(context: GatewayContext, localModel: string): void {
  context.request = { ...context.request, model: localModel };
  const allowed = context.principal.allowedModels;
  if (allowed !== undefined && !allowed.includes(localModel)) context.principal = { ...context.principal, allowedModels: [...allowed, localModel] };
  context.responseHeaders[ROUTED_HEADER] = "local";
}

/** Why a `route_local` finding could not be answered locally; the request is refused, never sent out. */
export function cannotRouteLocally(category: string, reason: "no-local-model" | "embeddings", param?: string): SwitchyardError {
  const why =
    reason === "embeddings"
      ? "embeddings cannot be answered by another model (its vectors would not be comparable)"
      : "no guardrails.local_model is configured";
  return new SwitchyardError(
    "SWY_ERR_GUARDRAIL_BLOCKED",
    `The request was blocked by a guardrail: it contains data of category '${category}', which the policy keeps on this machine, and ${why}.`,
    { param },
  );
}
