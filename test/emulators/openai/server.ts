import type { ServerResponse } from "node:http";
import { applyPreFault, faultHeaders, FaultQueue, writeEventStream, type Fault } from "../shared/faults.js";
import { readJsonRequest, sendJson, sleep, startServer, type EmulatorServer, type RecordedRequest, type StreamPacing } from "../shared/server.js";
import { chunks, hashVector } from "../shared/synthetic.js";
import { handleBatchApi, type BatchApiState } from "./batch-api.js";
import { defaultReply, type EmulatedReply } from "./responder.js";

/**
 * An emulator of the OpenAI chat-completions wire format (also Azure OpenAI's deployment URLs):
 * JSON and SSE responses, OpenAI error bodies, 429 with retry-after, and injectable faults.
 * It records every request it receives so tests can check what an upstream saw. OpenAI's Files and
 * Batch APIs are in batch-api.ts.
 */
export interface OpenaiEmulatorOptions extends StreamPacing {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (or Azure's `api-key`). */
  apiKey?: string;
  /** Delay before answering (ms). */
  latencyMs?: number;
  reply?: (body: Record<string, any>) => EmulatedReply;
}

export type { RecordedRequest };

export interface OpenaiEmulator extends EmulatorServer {
  /** Base URL ending in /v1, as an OpenAI client expects. */
  baseURL: string;
  /** Number of upstream requests aborted by the caller before they completed. */
  aborted: number;
  /** Files and batches created through OpenAI's Files and Batch APIs. */
  batchApi: BatchApiState;
  options: OpenaiEmulatorOptions;
}

const errorTypes: Record<number, [string, string | null]> = {
  400: ["invalid_request_error", null],
  401: ["invalid_request_error", "invalid_api_key"],
  403: ["invalid_request_error", "unsupported_country_region_territory"],
  404: ["invalid_request_error", "model_not_found"],
  429: ["requests", "rate_limit_exceeded"],
  500: ["server_error", null],
  503: ["server_error", null],
};

export function openaiError(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const [type, code] = errorTypes[status] ?? ["server_error", null];
  sendJson(response, status, { error: { message, type, param: null, code } }, headers);
}

export async function startOpenaiEmulator(options: OpenaiEmulatorOptions = {}): Promise<OpenaiEmulator> {
  const state = { requests: [] as RecordedRequest[], faults: new FaultQueue(), aborted: 0 };
  const batchApi: BatchApiState = { files: new Map(), batches: new Map() };
  const running = await startServer(async (request, response) => {
    if (options.apiKey !== undefined && (request.url ?? "").match(/^\/v1\/(files|batches)/) && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return openaiError(response, 401, "Incorrect API key provided.");
    }
    const log = (body: unknown) => state.requests.push({ method: request.method ?? "GET", path: request.url ?? "/", headers: request.headers, body });
    const emulatedModel = { reply: (body: Record<string, any>) => (options.reply ?? defaultReply)(body), completion };
    if (await handleBatchApi(request, response, batchApi, emulatedModel, log)) {
      if (request.method === "GET") log(undefined);
      return;
    }
    const { url, body, malformed } = await readJsonRequest(request);
    if (malformed) return openaiError(response, 400, "We could not parse the JSON body of your request.");
    state.requests.push({ method: request.method ?? "GET", path: url.pathname + url.search, headers: request.headers, body });

    if (options.apiKey !== undefined) {
      const bearer = request.headers.authorization === `Bearer ${options.apiKey}`;
      const azure = request.headers["api-key"] === options.apiKey;
      if (!bearer && !azure) return openaiError(response, 401, "Incorrect API key provided.");
    }

    const azure = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(url.pathname);
    if (azure && !url.searchParams.get("api-version")) {
      return openaiError(response, 404, "Resource not found");
    }
    const operation = azure ? azure[2] : url.pathname.replace(/^\/v1\//, "");

    if (request.method === "GET" && operation === "models") {
      return sendJson(response, 200, { object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "emulator" }] });
    }
    if (request.method !== "POST") return openaiError(response, 404, `Unknown path ${url.pathname}`);

    const fault = state.faults.next();
    const answered = await applyPreFault(fault, request, response, (status) =>
      openaiError(response, status.status, status.message ?? `Emulated ${status.status}`, faultHeaders(status)),
    );
    if (answered) return;
    if (options.latencyMs) await sleep(options.latencyMs);

    if (operation === "embeddings") return embeddings(response, body);
    if (operation !== "chat/completions") return openaiError(response, 404, `Unknown path ${url.pathname}`);
    if (typeof body?.model !== "string") return openaiError(response, 400, "you must provide a model parameter");
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return openaiError(response, 400, "'messages' must contain at least one message");
    }
    if (body.model === "missing-model") {
      return openaiError(response, 404, `The model \`${body.model}\` does not exist or you do not have access to it.`);
    }
    const reply = (options.reply ?? defaultReply)(body);
    const model = azure ? azure[1]! : body.model;
    if (body.stream === true) {
      response.on("close", () => {
        if (!response.writableFinished) state.aborted++;
      });
      return streamReply(response, reply, model, body.stream_options?.include_usage === true, fault, options);
    }
    return sendJson(response, 200, completion(reply, model));
  });

  const emulator = Object.assign(running, { baseURL: `${running.url}/v1`, options, requests: state.requests, faults: state.faults, batchApi }) as OpenaiEmulator;
  // A live view, not a copy taken at assignment time.
  Object.defineProperty(emulator, "aborted", { get: () => state.aborted });
  return emulator;
}

function usage(reply: EmulatedReply) {
  return {
    prompt_tokens: reply.promptTokens,
    completion_tokens: reply.completionTokens,
    total_tokens: reply.promptTokens + reply.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

let sequence = 0;

function completion(reply: EmulatedReply, model: string) {
  return {
    id: `chatcmpl-emu${++sequence}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.toolCalls.length > 0 && !reply.text ? null : reply.text,
          refusal: null,
          ...(reply.toolCalls.length > 0 && {
            tool_calls: reply.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })),
          }),
        },
        logprobs: null,
        finish_reason: reply.finishReason,
      },
    ],
    usage: usage(reply),
    system_fingerprint: "fp_emulator",
  };
}

/** OpenAI's stream: role chunk, content/tool-call deltas, finish chunk, optional usage chunk, [DONE]. */
async function streamReply(
  response: ServerResponse,
  reply: EmulatedReply,
  model: string,
  includeUsage: boolean,
  fault: Fault | undefined,
  options: OpenaiEmulatorOptions,
): Promise<void> {
  const id = `chatcmpl-emu${++sequence}`;
  const created = Math.floor(Date.now() / 1000);
  const base = { id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_emulator" };
  const events: unknown[] = [];
  const chunk = (delta: unknown, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage && { usage: null }),
  });
  events.push(chunk({ role: "assistant", content: "", refusal: null }));
  for (const piece of chunks(reply.text, options.chunkSize ?? 8)) events.push(chunk({ content: piece }));
  reply.toolCalls.forEach((call, index) => {
    events.push(chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }));
    for (const piece of chunks(call.arguments, 6)) events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  events.push(chunk({}, reply.finishReason));
  if (includeUsage) events.push({ ...base, choices: [], usage: usage(reply) });

  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
  await writeEventStream(response, events, {
    fault,
    frame: (event) => `data: ${JSON.stringify(event)}\n\n`,
    errorFrame: (message = "The server had an error while processing your request.") =>
      `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: null } })}\n\n`,
    terminator: "data: [DONE]\n\n",
    eventDelayMs: options.eventDelayMs,
  });
}

function embeddings(response: ServerResponse, body: any): void {
  const inputs: string[] = typeof body?.input === "string" ? [body.input] : Array.isArray(body?.input) ? body.input : [];
  if (inputs.length === 0) return openaiError(response, 400, "'input' is required");
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : 8;
  const data = inputs.map((input, index) => ({ object: "embedding", index, embedding: hashVector(String(input), dimensions) }));
  const tokens = inputs.reduce((sum, input) => sum + (String(input).match(/\S+/g) ?? []).length, 0);
  sendJson(response, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}
