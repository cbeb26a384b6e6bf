import { toSwitchyardError } from "../core/errors.js";
import { createId } from "../core/ids.js";
import type { ChatRequest, Message } from "../core/types.js";
import { StreamMeter } from "../control/usage/stream-meter.js";
import { collectStream } from "../gateway/collect.js";
import type { GatewayContext, Principal } from "../gateway/context.js";
import type { Gateway } from "../gateway/gateway.js";
import { EVALUATION_HEADER, EVALUATION_REQUEST_PREFIX } from "./marks.js";

export interface CallOutcome {
  requestId: string;
  text: string | null;
  error: { code: string; message: string } | null;
  latencyMs: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface CallInput {
  gateway: Gateway;
  principal: Principal;
  evaluationId: string;
  model: string;
  messages: Message[];
  temperature?: number;
  maxOutputTokens?: number;
  signal: AbortSignal;
}

/**
 * One chat call through the whole gateway (limits, deployments, guardrails, routing, metering),
 * with the cache turned off so each answer and its latency are the model's own. Cost and tokens
 * are the figures metering priced for the usage row.
 */
export async function callModel(input: CallInput): Promise<CallOutcome> {
  const request: ChatRequest = { model: input.model, messages: input.messages };
  if (input.temperature !== undefined) request.temperature = input.temperature;
  if (input.maxOutputTokens !== undefined) request.maxOutputTokens = input.maxOutputTokens;
  const context: GatewayContext = {
    requestId: createId(EVALUATION_REQUEST_PREFIX),
    api: "openai",
    operation: "chat",
    request,
    stream: false,
    signal: input.signal,
    startedAt: performance.now(),
    principal: input.principal,
    responseHeaders: {},
    attempts: [],
    state: new Map(),
    headers: { [EVALUATION_HEADER]: input.evaluationId, "x-switchyard-cache": "off" },
  };
  const started = performance.now();
  let text: string | null = null;
  let error: CallOutcome["error"] = null;
  try {
    const result = await input.gateway.chat(context);
    const response = await collectStream(result.stream);
    text = response.content.map((part) => (part.type === "text" ? part.text : "")).join("");
  } catch (caught) {
    const failure = toSwitchyardError(caught);
    error = { code: failure.code, message: failure.message };
  }
  const latencyMs = Math.round(performance.now() - started);
  const measured = await StreamMeter.peek(context)
    ?.measure()
    .catch(() => undefined);
  return {
    requestId: context.requestId,
    text,
    error,
    latencyMs,
    costUsd: measured?.costUsd ?? 0,
    inputTokens: measured?.inputTokens ?? 0,
    outputTokens: measured?.outputTokens ?? 0,
  };
}
