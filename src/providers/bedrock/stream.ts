import { SwitchyardError } from "../../core/errors.js";
import type { FinishReason, StreamPart, Usage } from "../../core/types.js";
import { streamExceptionError } from "./errors.js";
import { headerString, type EventStreamMessage } from "./event-stream.js";
import { convertBedrockUsage } from "./finish-reason.js";
import { finishFor, unwrapJsonValue } from "./response.js";
import {
  contentBlockDeltaSchema,
  contentBlockStartSchema,
  contentBlockStopSchema,
  exceptionSchema,
  messageStopSchema,
  metadataSchema,
} from "./wire.js";
import { safeJson } from "../shared/parts.js";

const decoder = new TextDecoder();

/**
 * ConverseStream event-stream messages -> canonical parts. Exception messages inside the 200 stream
 * become error parts (so the router falls back when nothing reached the client yet); a stream that
 * ends before `messageStop` was cut off and is reported as interrupted.
 */
export async function* converseEventsToParts(
  messages: AsyncIterable<EventStreamMessage>,
  provider: string,
  options: { jsonTool?: string; jsonWrapped?: boolean; signal?: AbortSignal } = {},
): AsyncGenerator<StreamPart> {
  const toolIndexes = new Map<number, number>();
  let jsonBlock: number | undefined;
  // A wrapped answer can only be unwrapped whole, so its pieces are held until the block ends.
  let wrappedInput = "";
  let stopReason: string | null | undefined;
  let sawStop = false;
  let usage: Usage | undefined;
  try {
    for await (const message of messages) {
      const messageType = headerString(message, ":message-type");
      const payload = safeJson(decoder.decode(message.body));
      if (messageType === "exception" || messageType === "error") {
        const type = headerString(message, ":exception-type") ?? headerString(message, ":error-code") ?? "internalServerException";
        const parsed = exceptionSchema.safeParse(payload);
        const text = (parsed.success && (parsed.data.message ?? parsed.data.Message)) || headerString(message, ":error-message") || "error in stream";
        yield { type: "error", error: streamExceptionError(provider, type, text) };
        return;
      }
      switch (headerString(message, ":event-type")) {
        case "messageStart":
          yield { type: "response-metadata" };
          break;
        case "contentBlockStart": {
          const event = contentBlockStartSchema.safeParse(payload);
          const toolUse = event.success ? event.data.start?.toolUse : undefined;
          if (!event.success || !toolUse) break;
          if (options.jsonTool !== undefined && toolUse.name === options.jsonTool) {
            jsonBlock = event.data.contentBlockIndex;
            break;
          }
          const index = toolIndexes.size;
          toolIndexes.set(event.data.contentBlockIndex, index);
          yield { type: "tool-call-start", index, id: toolUse.toolUseId, name: toolUse.name };
          break;
        }
        case "contentBlockDelta": {
          const event = contentBlockDeltaSchema.safeParse(payload);
          if (!event.success) break;
          const { delta, contentBlockIndex } = event.data;
          if (delta.text) yield { type: "text-delta", text: delta.text };
          if (delta.toolUse?.input) {
            if (contentBlockIndex === jsonBlock) {
              if (options.jsonWrapped) wrappedInput += delta.toolUse.input;
              else yield { type: "text-delta", text: delta.toolUse.input };
            }
            const index = toolIndexes.get(contentBlockIndex);
            if (index !== undefined) yield { type: "tool-call-delta", index, argumentsDelta: delta.toolUse.input };
          }
          const reasoning = delta.reasoningContent;
          if (reasoning?.text || reasoning?.signature) {
            yield { type: "reasoning-delta", text: reasoning.text ?? "", ...(reasoning.signature && { signature: reasoning.signature }) };
          }
          break;
        }
        case "contentBlockStop": {
          const event = contentBlockStopSchema.safeParse(payload);
          if (event.success && event.data.contentBlockIndex === jsonBlock && options.jsonWrapped) {
            yield { type: "text-delta", text: unwrapJsonValue(wrappedInput) };
          }
          const index = event.success ? toolIndexes.get(event.data.contentBlockIndex) : undefined;
          if (index !== undefined) yield { type: "tool-call-end", index };
          break;
        }
        case "messageStop": {
          const event = messageStopSchema.safeParse(payload);
          sawStop = true;
          stopReason = event.success ? event.data.stopReason : undefined;
          break;
        }
        case "metadata": {
          const event = metadataSchema.safeParse(payload);
          if (event.success && event.data.usage) usage = convertBedrockUsage(event.data.usage);
          break;
        }
        case undefined:
        default:
          // Event types this reader does not use (and frames without one) are skipped.
          break;
      }
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    yield interrupted(provider, `stream broke off: ${(error as Error).message}`);
    return;
  }
  if (!sawStop) {
    if (options.signal?.aborted) return;
    yield interrupted(provider, "stream ended before the response was complete");
    return;
  }
  if (usage) yield { type: "usage", usage };
  const finish: FinishReason = finishFor(stopReason, jsonBlock !== undefined);
  yield { type: "finish", reason: finish };
}

function interrupted(provider: string, message: string): StreamPart {
  return {
    type: "error",
    error: new SwitchyardError("SWY_ERR_STREAM_INTERRUPTED", `${provider}: ${message}`, { upstream: { provider } }),
  };
}
