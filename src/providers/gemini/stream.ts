import type { EventSourceMessage } from "eventsource-parser";
import { SwitchyardError } from "../../core/errors.js";
import type { StreamPart } from "../../core/types.js";
import { GeminiPartsConverter } from "./response.js";
import { generateContentResponseSchema } from "./wire.js";
import { safeJson } from "../shared/parts.js";

/**
 * Gemini `streamGenerateContent?alt=sse` events -> canonical parts. The stream has no end marker;
 * one that closes before any finish reason was cut off and is reported as interrupted.
 */
export async function* geminiEventsToParts(
  events: AsyncIterable<EventSourceMessage>,
  provider: string,
  signal?: AbortSignal,
): AsyncGenerator<StreamPart> {
  const converter = new GeminiPartsConverter(provider);
  try {
    for await (const event of events) {
      const parsed = generateContentResponseSchema.safeParse(safeJson(event.data));
      if (!parsed.success) {
        yield interrupted(provider, "SWY_ERR_UPSTREAM_ERROR", `invalid stream chunk: ${event.data.slice(0, 200)}`);
        return;
      }
      for (const part of converter.push(parsed.data)) {
        yield part;
        if (part.type === "error") return;
      }
    }
  } catch (error) {
    if (signal?.aborted) return;
    yield interrupted(provider, "SWY_ERR_STREAM_INTERRUPTED", `stream broke off: ${(error as Error).message}`);
    return;
  }
  if (converter.finish === undefined) {
    if (signal?.aborted) return;
    yield interrupted(provider, "SWY_ERR_STREAM_INTERRUPTED", "stream ended before the response was complete");
    return;
  }
  yield* converter.end();
}

function interrupted(provider: string, code: "SWY_ERR_UPSTREAM_ERROR" | "SWY_ERR_STREAM_INTERRUPTED", message: string): StreamPart {
  return { type: "error", error: new SwitchyardError(code, `${provider}: ${message}`, { upstream: { provider } }) };
}
