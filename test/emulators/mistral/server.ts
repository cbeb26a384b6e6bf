import type { ServerResponse } from "node:http";
import { defaultReply, type EmulatedReply } from "../openai/responder.js";
import { applyPreFault, faultHeaders, FaultQueue, writeEventStream, type Fault } from "../shared/faults.js";
import { readJsonRequest, sendJson, startServer, type EmulatorServer, type RecordedRequest, type StreamPacing } from "../shared/server.js";
import { chunks, hashVector } from "../shared/synthetic.js";

/**
 * An emulator of Mistral's chat and embeddings wire format: OpenAI-like, but strict about unknown
 * fields (422 with a `detail` list), tool call ids of exactly 9 letters and digits, `random_seed`,
 * tool_choice `any`, usage in the last stream chunk, and Mistral's error bodies. Checked against
 * Mistral's own SDK (mistral-sdk.test.ts), which validates every response it reads.
 */
export interface MistralEmulatorOptions extends StreamPacing {
  apiKey?: string;
}

export type { RecordedRequest };

export interface MistralEmulator extends EmulatorServer {
  baseURL: string;
}

// The request fields of Mistral's chat API (as its SDK 2.7 sends them); anything else is a 422.
const chatFields = new Set([
  "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed", "metadata", "response_format", "tools",
  "tool_choice", "presence_penalty", "frequency_penalty", "n", "prediction", "parallel_tool_calls", "reasoning_effort", "prompt_mode",
  "guardrails", "prompt_cache_key", "service_tier", "safe_prompt",
]);
const embeddingFields = new Set(["model", "input", "metadata", "output_dimension", "output_dtype", "encoding_format"]);
// Per role, as in the SDK's message models: a user message has no `name`, unlike OpenAI's.
const messageFields: Record<string, Set<string>> = {
  system: new Set(["role", "content"]),
  user: new Set(["role", "content"]),
  assistant: new Set(["role", "content", "tool_calls", "prefix"]),
  tool: new Set(["role", "content", "tool_call_id", "name"]),
};

export function mistralError(response: ServerResponse, status: number, message: unknown, type = "invalid_request_error", headers: Record<string, string> = {}): void {
  sendJson(response, status, { object: "error", message, type, param: null, code: status === 429 ? "1300" : null }, headers);
}

const toolCallId = /^[a-zA-Z0-9]{9}$/;
let sequence = 0;
const nineCharacterId = () => `T${String(++sequence).padStart(8, "0")}`;

export async function startMistralEmulator(options: MistralEmulatorOptions = {}): Promise<MistralEmulator> {
  const state = { requests: [] as RecordedRequest[], faults: new FaultQueue() };
  const running = await startServer(async (request, response) => {
    const { url, body, malformed } = await readJsonRequest(request);
    if (malformed) return mistralError(response, 400, "Invalid JSON body");
    state.requests.push({ method: request.method ?? "GET", path: url.pathname, headers: request.headers, body });
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(response, 401, { message: "Unauthorized", request_id: `req${Date.now()}` });
    }
    const fault = state.faults.next();
    const answered = await applyPreFault(fault, request, response, (status) =>
      mistralError(response, status.status, status.message ?? `Emulated ${status.status}`, status.status === 429 ? "rate_limited" : "invalid_request_error", faultHeaders(status)),
    );
    if (answered) return;

    if (url.pathname === "/v1/embeddings") return embeddings(response, body);
    if (url.pathname !== "/v1/chat/completions") return mistralError(response, 404, "Not Found");
    const problem = validate(body);
    if (problem) return problem.status === 422 ? mistralError(response, 422, { detail: problem.detail }, "invalid_request_message_error") : mistralError(response, 400, problem.message);

    const reply = defaultReply({ ...body, tool_choice: body.tool_choice === "any" ? "required" : body.tool_choice });
    reply.toolCalls = reply.toolCalls.map((call) => ({ ...call, id: nineCharacterId() }));
    if (body.stream === true) return streamReply(response, reply, body.model, fault, options);
    return sendJson(response, 200, { ...envelope(body.model, "chat.completion"), choices: [{ index: 0, message: message(reply), finish_reason: reply.finishReason }], usage: usage(reply) });
  });
  return Object.assign(running, {
    baseURL: `${running.url}/v1`,
    get requests() {
      return state.requests;
    },
    get faults() {
      return state.faults;
    },
  }) as MistralEmulator;
}

type Problem = { status: 422; detail: unknown[] } | { status: 400; message: string };

const extraFields = (value: any, known: Set<string>, at: unknown[] = ["body"]) =>
  Object.keys(value ?? {})
    .filter((key) => !known.has(key))
    .map((key) => ({ type: "extra_forbidden", loc: [...at, key], msg: "Extra inputs are not permitted", input: value[key] }));

function validate(body: any): Problem | undefined {
  if (!Array.isArray(body?.messages) || body.messages.length === 0) return { status: 422, detail: [{ type: "missing", loc: ["body", "messages"], msg: "Field required" }] };
  const extra = [
    ...extraFields(body, chatFields),
    ...body.messages.flatMap((item: any, index: number) => {
      const known = messageFields[item?.role];
      return known ? extraFields(item, known, ["body", "messages", index, item.role]) : [];
    }),
  ];
  if (extra.length > 0) return { status: 422, detail: extra };
  const choice = body.tool_choice;
  if (typeof choice === "string" && !["auto", "none", "any", "required"].includes(choice)) {
    return { status: 422, detail: [{ type: "enum", loc: ["body", "tool_choice"], msg: "Input should be 'auto', 'none', 'any' or 'required'" }] };
  }
  for (const item of body.messages) {
    const ids = [...(item.role === "tool" ? [item.tool_call_id] : []), ...(item.tool_calls ?? []).map((call: any) => call.id)];
    const bad = ids.find((id) => typeof id !== "string" || !toolCallId.test(id));
    if (bad !== undefined) return { status: 400, message: `Tool call id was ${bad} but must be a-z, A-Z, 0-9, with a length of 9.` };
  }
  return undefined;
}

const envelope = (model: string, object: string) => ({ id: `cmpl-${++sequence}`, object, created: Math.floor(Date.now() / 1000), model });

const usage = (reply: EmulatedReply) => ({
  prompt_tokens: reply.promptTokens,
  completion_tokens: reply.completionTokens,
  total_tokens: reply.promptTokens + reply.completionTokens,
});

function message(reply: EmulatedReply) {
  return {
    role: "assistant",
    content: reply.text,
    tool_calls: reply.toolCalls.length > 0 ? reply.toolCalls.map((call, index) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments }, index })) : null,
    prefix: false,
  };
}

/**
 * Mistral's stream: role chunk, content chunks, all tool calls whole in one chunk (each with its id,
 * and index 0 on every one, as in the recorded mistral-stream-tools.chunks.txt), usage on the finish chunk, [DONE].
 */
async function streamReply(response: ServerResponse, reply: EmulatedReply, model: string, fault: Fault | undefined, options: MistralEmulatorOptions): Promise<void> {
  const base = envelope(model, "chat.completion.chunk");
  const chunk = (delta: unknown, finish: string | null = null, extra: Record<string, unknown> = {}) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
  const events: unknown[] = [chunk({ role: "assistant", content: "" })];
  for (const piece of chunks(reply.text, options.chunkSize ?? 8)) events.push(chunk({ content: piece }));
  if (reply.toolCalls.length > 0) {
    events.push(chunk({ tool_calls: reply.toolCalls.map((call) => ({ id: call.id, function: { name: call.name, arguments: call.arguments }, index: 0 })) }));
  }
  events.push(chunk({ content: "" }, reply.finishReason, { usage: usage(reply) }));
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  await writeEventStream(response, events, {
    fault,
    frame: (event) => `data: ${JSON.stringify(event)}\n\n`,
    errorFrame: (message = "Service unavailable.") => `data: ${JSON.stringify({ object: "error", message, type: "internal_server_error", param: null, code: "3000" })}\n\n`,
    terminator: "data: [DONE]\n\n",
    eventDelayMs: options.eventDelayMs,
  });
}

function embeddings(response: ServerResponse, body: any): void {
  const inputs: string[] = typeof body?.input === "string" ? [body.input] : Array.isArray(body?.input) ? body.input : [];
  const extra = extraFields(body, embeddingFields);
  if (extra.length > 0) return mistralError(response, 422, { detail: extra }, "invalid_request_message_error");
  if (inputs.length === 0) return mistralError(response, 400, "input must not be empty");
  const dimensions = body.output_dimension ?? 8;
  const data = inputs.map((input, index) => ({ object: "embedding", index, embedding: hashVector(input, dimensions) }));
  const tokens = inputs.reduce((sum, input) => sum + (input.match(/\S+/g) ?? []).length, 0);
  sendJson(response, 200, { id: `emb-${++sequence}`, object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 } });
}
