import { SwitchyardError } from "../../core/errors.js";
import type { EmbeddingRequest, EmbeddingResponse } from "../../core/types.js";
import { cohereEmbeddingSchema, titanEmbeddingSchema } from "./wire.js";
import { safeJson } from "../shared/parts.js";

export interface InvokeResult {
  text: string;
  headers: Record<string, string>;
}

/** Titan takes one text a call, so a batch runs with bounded concurrency. */
const TITAN_CONCURRENCY = 8;

/**
 * Embeddings through InvokeModel: Amazon Titan (`amazon.titan-embed-*`, one `inputText` a call) and
 * Cohere (`cohere.embed-*`, a `texts` batch). Token counts come from the body (Titan) or the
 * `x-amzn-bedrock-input-token-count` header.
 */
export async function embedWithBedrock(
  request: EmbeddingRequest,
  provider: string,
  invoke: (body: unknown) => Promise<InvokeResult>,
): Promise<EmbeddingResponse> {
  const model = request.model.replace(/^[a-z]{2}\./, "");
  if (model.startsWith("cohere.embed")) {
    const result = await invoke({
      texts: request.input,
      input_type: "search_document",
      ...(request.dimensions !== undefined && { output_dimension: request.dimensions }),
    });
    const parsed = cohereEmbeddingSchema.safeParse(safeJson(result.text));
    if (!parsed.success) throw unreadable(provider);
    const embeddings = Array.isArray(parsed.data.embeddings) ? parsed.data.embeddings : parsed.data.embeddings.float;
    return { model: request.model, embeddings, usage: { inputTokens: tokenHeader(result.headers), outputTokens: 0 } };
  }
  if (model.startsWith("amazon.titan-embed")) {
    const v2 = !model.startsWith("amazon.titan-embed-text-v1") && !model.startsWith("amazon.titan-embed-g1");
    const embeddings: number[][] = new Array<number[]>(request.input.length);
    let inputTokens = 0;
    let next = 0;
    const worker = async () => {
      while (next < request.input.length) {
        const index = next++;
        const body = { inputText: request.input[index], ...(v2 && { normalize: true, ...(request.dimensions !== undefined && { dimensions: request.dimensions }) }) };
        const result = await invoke(body);
        const parsed = titanEmbeddingSchema.safeParse(safeJson(result.text));
        if (!parsed.success) throw unreadable(provider);
        embeddings[index] = parsed.data.embedding;
        inputTokens += parsed.data.inputTextTokenCount ?? tokenHeader(result.headers);
      }
    };
    await Promise.all(Array.from({ length: Math.min(TITAN_CONCURRENCY, request.input.length) }, worker));
    return { model: request.model, embeddings, usage: { inputTokens, outputTokens: 0 } };
  }
  throw new SwitchyardError(
    "SWY_ERR_INVALID_REQUEST",
    `${provider}: embeddings are supported for amazon.titan-embed-* and cohere.embed-* models, not '${request.model}'`,
    { param: "model" },
  );
}

function tokenHeader(headers: Record<string, string>): number {
  const value = Number(headers["x-amzn-bedrock-input-token-count"]);
  return Number.isFinite(value) ? value : 0;
}

function unreadable(provider: string): SwitchyardError {
  return new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `${provider}: unreadable embeddings response`, { upstream: { provider } });
}
