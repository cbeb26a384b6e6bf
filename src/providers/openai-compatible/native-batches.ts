import { z } from "zod";
import type { Dispatcher } from "undici";
import { SwitchyardError } from "../../core/errors.js";
import type { NativeBatch, NativeBatchApi } from "../contract.js";
import { readBounded, sendUpstream } from "../shared/http.js";
import { safeJson } from "../shared/parts.js";
import { openaiErrorMessage } from "./errors.js";

const batchSchema = z.object({
  id: z.string(),
  status: z.string(),
  output_file_id: z.string().nullish(),
  error_file_id: z.string().nullish(),
});
const fileSchema = z.object({ id: z.string() });

/** Results of a large batch can be big; one output file holds at most this much. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface NativeBatchSettings {
  name: string;
  baseUrl: string;
  headers(): Record<string, string>;
  dispatcher: Dispatcher;
}

/** OpenAI's Files and Batch APIs (`/files`, `/batches`), through the provider's own connection pool. */
export function createNativeBatches(settings: NativeBatchSettings): NativeBatchApi {
  const send = async (path: string, init: { method?: "GET" | "POST"; body?: string | Uint8Array; contentType?: string }, signal: AbortSignal) => {
    const response = await sendUpstream({
      provider: settings.name,
      url: `${settings.baseUrl}${path}`,
      method: init.method ?? "GET",
      headers: { ...(init.contentType && { "content-type": init.contentType }), ...settings.headers() },
      body: init.body,
      signal,
      dispatcher: settings.dispatcher,
      errorMessage: openaiErrorMessage,
    });
    return readBounded(response.body, MAX_FILE_BYTES);
  };
  const parse = <T>(schema: z.ZodType<T>, text: string, what: string): T => {
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `${settings.name}: unreadable ${what} response`, { upstream: { provider: settings.name, body: text.slice(0, 2000) } });
    return parsed.data;
  };
  const toBatch = (text: string): NativeBatch => {
    const batch = parse(batchSchema, text, "batch");
    return { id: batch.id, status: batch.status, outputFileId: batch.output_file_id, errorFileId: batch.error_file_id };
  };
  return {
    async uploadFile(content, filename, signal) {
      const form = new FormData();
      form.append("purpose", "batch");
      form.append("file", new Blob([content], { type: "application/jsonl" }), filename);
      // The platform encodes the multipart body (and its boundary); the bytes then go through the pool.
      const encoded = new Response(form);
      const body = new Uint8Array(await encoded.arrayBuffer());
      return parse(fileSchema, await send("/files", { method: "POST", body, contentType: encoded.headers.get("content-type") ?? undefined }, signal), "file").id;
    },
    async createBatch(input, signal) {
      const body = JSON.stringify({ input_file_id: input.inputFileId, endpoint: input.endpoint, completion_window: "24h", ...(input.metadata && { metadata: input.metadata }) });
      return toBatch(await send("/batches", { method: "POST", body, contentType: "application/json" }, signal));
    },
    async retrieveBatch(id, signal) {
      return toBatch(await send(`/batches/${encodeURIComponent(id)}`, {}, signal));
    },
    async cancelBatch(id, signal) {
      return toBatch(await send(`/batches/${encodeURIComponent(id)}/cancel`, { method: "POST" }, signal));
    },
    fileContent(id, signal) {
      return send(`/files/${encodeURIComponent(id)}/content`, {}, signal);
    },
  };
}
