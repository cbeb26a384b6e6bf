/**
 * Calls to a deployment's name become calls to its model: the system prompt (with variables filled
 * in) goes first, unset sampling parameters take the deployment's defaults, and an A/B variant is
 * chosen by weight. The client changes nothing but the model name. It runs before the guardrails, so
 * the prompt and variable values it adds are masked or blocked like the client's own text.
 */
import { createHash } from "node:crypto";
import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest } from "../../core/types.js";
import { modelScope, type Principal } from "../../gateway/context.js";
import type { ChatMiddleware } from "../../gateway/pipeline.js";
import { setState } from "../../gateway/state.js";
import { deploymentCallKey } from "./deployment-call.js";
import type { DeploymentStore, DeploymentVersion } from "./deployment-store.js";
import type { DeploymentParameters } from "./spec.js";

export const VARIABLES_HEADER = "x-switchyard-variables";
export const DEPLOYMENT_HEADER = "x-switchyard-deployment";

function readVariables(header: string | string[] | undefined): Record<string, string> {
  if (header === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(Array.isArray(header) ? header.join("") : header);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  } catch {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The ${VARIABLES_HEADER} header must be a JSON object of strings.`);
  }
}

export function renderTemplate(template: string, variables: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (_match, name: string) => {
    const value = variables[name];
    if (value === undefined) {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The deployment's prompt needs the variable '${name}': send it in the ${VARIABLES_HEADER} header.`);
    }
    return value;
  });
}

/** Weighted choice; the same `user` always lands on the same variant. */
function chooseVariant<T extends { weight: number }>(variants: T[], user: string | undefined): T {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  const unit = user ? createHash("sha256").update(user).digest().readUInt32BE(0) / 2 ** 32 : Math.random();
  let point = unit * total;
  for (const variant of variants) {
    point -= variant.weight;
    if (point < 0) return variant;
  }
  return variants.filter((variant) => variant.weight > 0).at(-1)!;
}

function withDefaults(request: ChatRequest, parameters: DeploymentParameters): ChatRequest {
  return {
    ...request,
    temperature: request.temperature ?? parameters.temperature,
    topP: request.topP ?? parameters.top_p,
    maxOutputTokens: request.maxOutputTokens ?? parameters.max_tokens,
    stopSequences: request.stopSequences ?? parameters.stop,
    seed: request.seed ?? parameters.seed,
  };
}

export function applyDeployment(deployment: DeploymentVersion, request: ChatRequest, variablesHeader: string | string[] | undefined) {
  const { spec } = deployment;
  const variant = spec.variants ? chooseVariant(spec.variants, request.user) : undefined;
  const variables = { ...spec.variables, ...readVariables(variablesHeader) };
  const systemPrompt = variant?.system_prompt ?? spec.system_prompt;
  let next = withDefaults(request, { ...spec.parameters, ...variant?.parameters });
  next = { ...next, model: variant?.model ?? spec.model! };
  if (systemPrompt !== undefined) {
    next.messages = [{ role: "system", content: [{ type: "text", text: renderTemplate(systemPrompt, variables) }] }, ...next.messages];
  }
  return { request: next, label: `${deployment.name}@v${deployment.version}${variant ? `:${variant.name}` : ""}` };
}

export function deploymentMiddleware(store: DeploymentStore): ChatMiddleware {
  return {
    name: "deployments",
    async handle(context, next) {
      // Another project's deployment is no deployment to this caller: routing answers it as a missing model.
      const deployment = store.visible(context.request.model, modelScope(context.principal));
      if (!deployment) return next(context);
      const applied = applyDeployment(deployment, context.request, context.headers?.[VARIABLES_HEADER]);
      // The guardrails run after this and look the deployment's policy up by the name the client called.
      setState(context, deploymentCallKey, { name: context.request.model, prependedMessages: applied.request.messages.length - context.request.messages.length, label: applied.label });
      context.request = applied.request;
      context.responseHeaders[DEPLOYMENT_HEADER] = applied.label;
      return next(context);
    },
  };
}

/** The model a deployment name stands for, for calls without messages (embeddings, text completions). */
export function deploymentModel(store: DeploymentStore, name: string, principal: Principal, user: string | undefined): string | undefined {
  const deployment = store.visible(name, modelScope(principal));
  if (!deployment) return undefined;
  const { spec } = deployment;
  return spec.variants ? chooseVariant(spec.variants, user).model : spec.model;
}
