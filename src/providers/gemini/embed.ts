import { SwitchyardError } from "../../core/errors.js";
import type { EmbeddingRequest, EmbeddingResponse } from "../../core/types.js";
import { batchEmbedResponseSchema, vertexPredictResponseSchema } from "./wire.js";
import { safeJson } from "../shared/parts.js";

export interface EmbedSettings {
  provider: string;
  flavour: "studio" | "vertex";
  /** `.../models/{model}` */
  url: string;
  send(url: string, body: unknown): Promise<string>;
}

/**
 * AI Studio: `:batchEmbedContents` (no token counts come back, so usage is estimated).
 * Vertex AI: `:predict` with one instance per input, which reports token counts.
 */
export async function embedWithGemini(request: EmbeddingRequest, settings: EmbedSettings): Promise<EmbeddingResponse> {
  if (settings.flavour === "vertex") {
    const body = {
      instances: request.input.map((content) => ({ content })),
      ...(request.dimensions !== undefined && { parameters: { outputDimensionality: request.dimensions } }),
    };
    const parsed = vertexPredictResponseSchema.safeParse(safeJson(await settings.send(`${settings.url}:predict`, body)));
    if (!parsed.success) throw unreadable(settings.provider);
    const inputTokens = parsed.data.predictions.reduce((sum, item) => sum + (item.embeddings.statistics?.token_count ?? 0), 0);
    return {
      model: request.model,
      embeddings: parsed.data.predictions.map((item) => item.embeddings.values),
      usage: { inputTokens, outputTokens: 0 },
    };
  }
  const modelName = `models/${request.model}`;
  const body = {
    requests: request.input.map((text) => ({
      model: modelName,
      content: { parts: [{ text }] },
      ...(request.dimensions !== undefined && { outputDimensionality: request.dimensions }),
    })),
  };
  const parsed = batchEmbedResponseSchema.safeParse(safeJson(await settings.send(`${settings.url}:batchEmbedContents`, body)));
  if (!parsed.success || parsed.data.embeddings.length !== request.input.length) throw unreadable(settings.provider);
  const characters = request.input.reduce((sum, text) => sum + text.length, 0);
  return {
    model: request.model,
    embeddings: parsed.data.embeddings.map((item) => item.values),
    usage: { inputTokens: Math.ceil(characters / 4), outputTokens: 0, estimated: true },
  };
}

function unreadable(provider: string): SwitchyardError {
  return new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `${provider}: unreadable embeddings response`, { upstream: { provider } });
}
