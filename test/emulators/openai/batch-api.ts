import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../shared/server.js";
import { hashVector } from "../shared/synthetic.js";
import type { EmulatedReply } from "./responder.js";

/**
 * OpenAI's Files and Batch APIs as documented: `POST /v1/files` (multipart: purpose, file),
 * `GET /v1/files/{id}`, `GET /v1/files/{id}/content`, `POST /v1/batches`, `GET /v1/batches/{id}`,
 * `GET /v1/batches`, `POST /v1/batches/{id}/cancel`. A batch advances one status each time it is
 * retrieved (validating -> in_progress -> finalizing -> completed); on completing it answers every
 * line with the emulator's model and writes the output and error files in OpenAI's line format.
 */
export interface EmulatedFile {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: "processed";
  content: string;
}

export interface EmulatedBatch {
  id: string;
  object: "batch";
  endpoint: string;
  errors: null;
  input_file_id: string;
  completion_window: string;
  status: string;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
}

export interface BatchApiState {
  files: Map<string, EmulatedFile>;
  batches: Map<string, EmulatedBatch>;
  /** Keeps running batches where they are (a cancel still goes through), for tests that need one in flight. */
  hold?: boolean;
}

export interface BatchApiModel {
  reply(body: Record<string, any>): EmulatedReply;
  completion(reply: EmulatedReply, model: string): unknown;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}${(++counter).toString(36).padStart(10, "0")}`;
const now = () => Math.floor(Date.now() / 1000);

function notFound(response: ServerResponse, what: string): void {
  sendJson(response, 404, { error: { message: `No such ${what}`, type: "invalid_request_error", param: null, code: null } });
}

function badRequest(response: ServerResponse, message: string, param: string | null = null): void {
  sendJson(response, 400, { error: { message, type: "invalid_request_error", param, code: null } });
}

async function readRaw(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function publicFile(file: EmulatedFile) {
  const { content: _content, ...rest } = file;
  return rest;
}

function storeFile(state: BatchApiState, filename: string, purpose: string, content: string): EmulatedFile {
  const file: EmulatedFile = { id: nextId("file-"), object: "file", bytes: Buffer.byteLength(content), created_at: now(), filename, purpose, status: "processed", content };
  state.files.set(file.id, file);
  return file;
}

/** Answers the Files and Batch API paths; false when the path is not one of them. */
export async function handleBatchApi(request: IncomingMessage, response: ServerResponse, state: BatchApiState, model: BatchApiModel, log: (body: unknown) => void): Promise<boolean> {
  const url = new URL(request.url ?? "/", "http://emulator");
  const path = url.pathname;
  if (!path.startsWith("/v1/files") && !path.startsWith("/v1/batches")) return false;

  if (request.method === "POST" && path === "/v1/files") {
    const raw = await readRaw(request);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
    let form: FormData;
    try {
      form = await new Request("http://emulator/v1/files", { method: "POST", headers, body: raw }).formData();
    } catch {
      badRequest(response, "The request body must be multipart/form-data.");
      return true;
    }
    const file = form.get("file");
    const purpose = form.get("purpose");
    log({ purpose });
    if (!(file instanceof Blob) || typeof purpose !== "string") {
      badRequest(response, "'file' and 'purpose' are required.");
      return true;
    }
    if (!["batch", "fine-tune", "assistants", "vision", "user_data", "evals"].includes(purpose)) {
      badRequest(response, `Invalid purpose '${purpose}'.`, "purpose");
      return true;
    }
    sendJson(response, 200, publicFile(storeFile(state, (file as File).name || "upload", purpose, await file.text())));
    return true;
  }
  const fileMatch = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
  if (fileMatch && request.method === "GET") {
    const file = state.files.get(fileMatch[1]!);
    if (!file) notFound(response, "file");
    else if (fileMatch[2]) {
      response.writeHead(200, { "content-type": "application/octet-stream", "content-length": Buffer.byteLength(file.content) });
      response.end(file.content);
    } else sendJson(response, 200, publicFile(file));
    return true;
  }

  if (request.method === "POST" && path === "/v1/batches") {
    const body = JSON.parse((await readRaw(request)).toString("utf8") || "{}") as Record<string, any>;
    log(body);
    const input = state.files.get(String(body.input_file_id));
    if (!input) {
      notFound(response, "file");
      return true;
    }
    if (input.purpose !== "batch") return (badRequest(response, "The input file must have purpose 'batch'.", "input_file_id"), true);
    if (!["/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/responses"].includes(body.endpoint)) return (badRequest(response, "Invalid endpoint.", "endpoint"), true);
    if (body.completion_window !== "24h") return (badRequest(response, "completion_window must be '24h'.", "completion_window"), true);
    const created = now();
    const total = input.content.split("\n").filter((line) => line.trim() !== "").length;
    const batch: EmulatedBatch = {
      id: nextId("batch_"),
      object: "batch",
      endpoint: body.endpoint,
      errors: null,
      input_file_id: input.id,
      completion_window: "24h",
      status: "validating",
      output_file_id: null,
      error_file_id: null,
      created_at: created,
      in_progress_at: null,
      expires_at: created + 86_400,
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total, completed: 0, failed: 0 },
      metadata: body.metadata ?? null,
    };
    state.batches.set(batch.id, batch);
    sendJson(response, 200, batch);
    return true;
  }
  if (request.method === "GET" && path === "/v1/batches") {
    const limit = Number(url.searchParams.get("limit") ?? 20);
    const all = [...state.batches.values()].reverse();
    const after = url.searchParams.get("after");
    const start = after ? all.findIndex((batch) => batch.id === after) + 1 : 0;
    const data = all.slice(start, start + limit);
    sendJson(response, 200, { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + limit < all.length });
    return true;
  }
  const batchMatch = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path);
  const batch = batchMatch ? state.batches.get(batchMatch[1]!) : undefined;
  if (batchMatch && !batch) {
    notFound(response, "batch");
    return true;
  }
  if (batch && request.method === "GET" && !batchMatch![2]) {
    advance(batch, state, model);
    sendJson(response, 200, batch);
    return true;
  }
  if (batch && request.method === "POST" && batchMatch![2]) {
    if (["completed", "failed", "expired", "cancelled"].includes(batch.status)) {
      sendJson(response, 409, { error: { message: `Cannot cancel a batch with status '${batch.status}'.`, type: "invalid_request_error", param: null, code: null } });
      return true;
    }
    batch.status = "cancelling";
    batch.cancelling_at = now();
    sendJson(response, 200, batch);
    return true;
  }
  notFound(response, "route");
  return true;
}

function advance(batch: EmulatedBatch, state: BatchApiState, model: BatchApiModel): void {
  if (state.hold && batch.status !== "cancelling") return;
  switch (batch.status) {
    case "validating":
      batch.status = "in_progress";
      batch.in_progress_at = now();
      return;
    case "in_progress":
      batch.status = "finalizing";
      batch.finalizing_at = now();
      return;
    case "finalizing":
      run(batch, state, model);
      batch.status = "completed";
      batch.completed_at = now();
      return;
    case "cancelling":
      batch.status = "cancelled";
      batch.cancelled_at = now();
      return;
    default:
      return;
  }
}

/** Answers every line of the input file, as the live endpoint would. */
function run(batch: EmulatedBatch, state: BatchApiState, model: BatchApiModel): void {
  const output: string[] = [];
  const errors: string[] = [];
  for (const text of state.files.get(batch.input_file_id)!.content.split("\n")) {
    if (text.trim() === "") continue;
    const line = JSON.parse(text) as { custom_id: string; body: Record<string, any> };
    const requestId = nextId("req_");
    const id = nextId("batch_req_");
    if (line.body.model === "missing-model") {
      const body = { error: { message: `The model \`${line.body.model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", param: null, code: "model_not_found" } };
      errors.push(JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: 404, request_id: requestId, body }, error: null }));
      continue;
    }
    let body: unknown;
    if (batch.endpoint === "/v1/embeddings") {
      const inputs: string[] = typeof line.body.input === "string" ? [line.body.input] : line.body.input;
      const tokens = inputs.reduce((sum, input) => sum + (input.match(/\S+/g) ?? []).length, 0);
      body = { object: "list", data: inputs.map((input, index) => ({ object: "embedding", index, embedding: hashVector(input, line.body.dimensions ?? 8) })), model: line.body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
    } else {
      body = model.completion(model.reply(line.body), line.body.model);
    }
    output.push(JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: 200, request_id: requestId, body }, error: null }));
  }
  batch.request_counts = { total: output.length + errors.length, completed: output.length, failed: errors.length };
  if (output.length > 0) batch.output_file_id = storeFile(state, `${batch.id}_output.jsonl`, "batch_output", output.join("\n") + "\n").id;
  if (errors.length > 0) batch.error_file_id = storeFile(state, `${batch.id}_error.jsonl`, "batch_output", errors.join("\n") + "\n").id;
}
