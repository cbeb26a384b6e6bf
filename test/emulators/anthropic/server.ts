import type { ServerResponse } from "node:http";
import { applyPreFault, faultHeaders, FaultQueue, writeEventStream, type Fault } from "../shared/faults.js";
import { readJsonRequest, sendJson, sleep, startServer, type EmulatorServer, type RecordedRequest, type StreamPacing } from "../shared/server.js";
import { chunks } from "../shared/synthetic.js";
import { defaultReply, type EmulatedReply } from "./responder.js";
import { validateMessagesBody } from "./validate.js";

/**
 * An emulator of Anthropic's Messages API wire format: JSON and SSE responses in the documented
 * event sequence (message_start, ping, content_block_*, message_delta, message_stop), Anthropic
 * error bodies, 429 with retry-after, 529 overloaded, and injectable faults. It records every request.
 */
export interface AnthropicEmulatorOptions extends StreamPacing {
  /** When set, requests must carry `x-api-key: <apiKey>`. */
  apiKey?: string;
  latencyMs?: number;
  reply?: (body: Record<string, any>) => EmulatedReply;
}

export type { RecordedRequest };

export interface AnthropicEmulator extends EmulatorServer {
  /** Base URL as the official SDK takes it (no /v1). */
  baseURL: string;
  /** Number of upstream requests aborted by the caller before they completed. */
  aborted: number;
  options: AnthropicEmulatorOptions;
}

const errorTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

let sequence = 0;

export function anthropicError(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const type = errorTypes[status] ?? "api_error";
  sendJson(response, status, { type: "error", error: { type, message } }, { "request-id": `req_emu${++sequence}`, ...headers });
}

export async function startAnthropicEmulator(options: AnthropicEmulatorOptions = {}): Promise<AnthropicEmulator> {
  const state = { requests: [] as RecordedRequest[], faults: new FaultQueue(), aborted: 0 };
  const running = await startServer(async (request, response) => {
    const { url, body, malformed } = await readJsonRequest(request);
    if (malformed) return anthropicError(response, 400, "There was an issue with the format of your request: invalid JSON");
    state.requests.push({ method: request.method ?? "GET", path: url.pathname + url.search, headers: request.headers, body });

    if (options.apiKey !== undefined && request.headers["x-api-key"] !== options.apiKey) {
      return anthropicError(response, 401, "invalid x-api-key");
    }
    if (!request.headers["anthropic-version"]) return anthropicError(response, 400, "anthropic-version: header is required");
    if (request.method === "GET" && url.pathname === "/v1/models") {
      return sendJson(response, 200, {
        data: [{ type: "model", id: "claude-sonnet-4-5", display_name: "Claude Sonnet 4.5", created_at: "2025-09-29T00:00:00Z" }],
        has_more: false,
        first_id: "claude-sonnet-4-5",
        last_id: "claude-sonnet-4-5",
      });
    }
    if (request.method !== "POST" || !url.pathname.startsWith("/v1/messages")) {
      return anthropicError(response, 404, `Not found: ${url.pathname}`);
    }

    const fault = state.faults.next();
    const answered = await applyPreFault(fault, request, response, (status) =>
      anthropicError(response, status.status, status.message ?? (status.status === 529 ? "Overloaded" : `Emulated ${status.status}`), faultHeaders(status)),
    );
    if (answered) return;
    if (emulator.options.latencyMs) await sleep(emulator.options.latencyMs);

    const countOnly = url.pathname === "/v1/messages/count_tokens";
    const problem = validateMessagesBody(body, countOnly);
    if (problem) return anthropicError(response, 400, problem);
    if (body.model === "missing-model") return anthropicError(response, 404, `model: ${body.model}`);
    const reply = (emulator.options.reply ?? defaultReply)(body);
    if (countOnly) return sendJson(response, 200, { input_tokens: reply.inputTokens });
    if (body.stream === true) {
      // The response (not the request, which closes once its body is read) tells of a dropped connection.
      response.on("close", () => {
        if (!response.writableFinished) state.aborted++;
      });
      return streamReply(response, reply, body.model, fault, emulator.options);
    }
    return sendJson(response, 200, message(reply, body.model), { "request-id": `req_emu${++sequence}` });
  });

  const emulator = Object.assign(running, { baseURL: running.url, options, requests: state.requests, faults: state.faults }) as AnthropicEmulator;
  // A live view, not a copy taken at assignment time.
  Object.defineProperty(emulator, "aborted", { get: () => state.aborted });
  return emulator;
}

function usage(reply: EmulatedReply) {
  return {
    input_tokens: reply.inputTokens - reply.cacheReadInputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: reply.cacheReadInputTokens,
    output_tokens: reply.outputTokens,
    service_tier: "standard",
  };
}

function message(reply: EmulatedReply, model: string) {
  return {
    id: `msg_emu${++sequence}`,
    type: "message",
    role: "assistant",
    model,
    content: reply.content,
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    usage: usage(reply),
  };
}

/** The documented sequence: message_start, ping, per block start/deltas/stop, message_delta, message_stop. */
function streamEvents(reply: EmulatedReply, model: string, chunkSize: number): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  const start = { ...message(reply, model), content: [], stop_reason: null, stop_sequence: null };
  start.usage = { ...start.usage, output_tokens: 1 };
  events.push({ type: "message_start", message: start });
  events.push({ type: "ping" });
  reply.content.forEach((block, index) => {
    const delta = (value: Record<string, unknown>) => events.push({ type: "content_block_delta", index, delta: value });
    if (block.type === "text") {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const piece of chunks(block.text, chunkSize)) delta({ type: "text_delta", text: piece });
    } else if (block.type === "thinking") {
      events.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
      for (const piece of chunks(block.thinking, chunkSize)) delta({ type: "thinking_delta", thinking: piece });
      delta({ type: "signature_delta", signature: block.signature });
    } else {
      events.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } });
      delta({ type: "input_json_delta", partial_json: "" });
      for (const piece of chunks(JSON.stringify(block.input), 6)) delta({ type: "input_json_delta", partial_json: piece });
    }
    events.push({ type: "content_block_stop", index });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence },
    usage: { output_tokens: reply.outputTokens },
  });
  events.push({ type: "message_stop" });
  return events;
}

async function streamReply(
  response: ServerResponse,
  reply: EmulatedReply,
  model: string,
  fault: Fault | undefined,
  options: AnthropicEmulatorOptions,
): Promise<void> {
  const events = streamEvents(reply, model, options.chunkSize ?? 8);
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "request-id": `req_emu${++sequence}`,
  });
  await writeEventStream(response, events, {
    fault,
    frame: (event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`,
    errorFrame: (message = "Overloaded") => `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "overloaded_error", message } })}\n\n`,
    eventDelayMs: options.eventDelayMs,
  });
}
