import type { EventSourceMessage } from "eventsource-parser";
import type { FinishReason, StreamPart } from "../../core/types.js";
import { codeForAnthropicErrorType, streamErrorPart } from "./errors.js";
import { convertAnthropicUsage, mapAnthropicStopReason, mergeAnthropicUsage } from "./finish-reason.js";
import { jsonToolText } from "./json-output.js";
import type { JsonTool } from "./request.js";
import { streamEventSchema, type AnthropicUsage } from "./wire.js";
import { safeJson } from "../shared/parts.js";

type Block = { kind: "tool"; index: number } | { kind: "json"; buffer: string } | { kind: "other" };

/**
 * Messages API SSE events -> canonical stream parts. Each tool_use block becomes its own
 * tool-call start/delta/end keyed by the block index, so several tools in one turn stay apart.
 * An `error` event becomes an error part; a stream that ends before message_stop is interrupted.
 */
export async function* anthropicEventsToParts(
  events: AsyncIterable<EventSourceMessage>,
  provider: string,
  options: { signal?: AbortSignal; jsonTool?: JsonTool } = {},
): AsyncGenerator<StreamPart> {
  const { signal, jsonTool } = options;
  const blocks = new Map<number, Block>();
  let usage: AnthropicUsage = {};
  let finish: FinishReason | undefined;
  let answeredInJson = false;
  let stopped = false;
  try {
    for await (const event of events) {
      // Read on to the end of the body after message_stop, as the official SDK does, so that undici can
      // keep the connection; a break after message_stop still counts as a complete response.
      if (stopped || event.event === "ping" || event.data === "") continue;
      const parsed = streamEventSchema.safeParse(safeJson(event.data));
      if (!parsed.success) {
        yield streamErrorPart(provider, "SWY_ERR_UPSTREAM_ERROR", `invalid stream event: ${event.data.slice(0, 200)}`);
        return;
      }
      const data = parsed.data;
      switch (data.type) {
        case "message_start":
          yield { type: "response-metadata", id: data.message?.id ?? undefined, model: data.message?.model ?? undefined };
          if (data.message?.usage) usage = mergeAnthropicUsage(usage, data.message.usage);
          break;
        case "content_block_start": {
          const index = data.index ?? blocks.size;
          const block = data.content_block;
          if (block?.type === "tool_use") {
            if (jsonTool && block.name === jsonTool.name) {
              blocks.set(index, { kind: "json", buffer: "" });
              answeredInJson = true;
              break;
            }
            blocks.set(index, { kind: "tool", index });
            yield { type: "tool-call-start", index, id: block.id ?? `toolu_${index}`, name: block.name ?? "" };
          } else {
            blocks.set(index, { kind: "other" });
            if (block?.type === "text" && block.text && !jsonTool?.forced) yield { type: "text-delta", text: block.text };
          }
          break;
        }
        case "content_block_delta": {
          const index = data.index ?? 0;
          const block = blocks.get(index);
          const delta = data.delta;
          if (!delta) break;
          if (delta.type === "text_delta" && delta.text && !jsonTool?.forced) yield { type: "text-delta", text: delta.text };
          else if (delta.type === "thinking_delta" && delta.thinking) yield { type: "reasoning-delta", text: delta.thinking };
          else if (delta.type === "signature_delta" && delta.signature) yield { type: "reasoning-delta", text: "", signature: delta.signature };
          else if (delta.type === "input_json_delta" && delta.partial_json) {
            if (block?.kind === "tool") yield { type: "tool-call-delta", index, argumentsDelta: delta.partial_json };
            else if (block?.kind === "json") {
              if (jsonTool?.wrapped) block.buffer += delta.partial_json;
              else yield { type: "text-delta", text: delta.partial_json };
            }
          }
          break;
        }
        case "content_block_stop": {
          const block = blocks.get(data.index ?? 0);
          if (block?.kind === "tool") yield { type: "tool-call-end", index: block.index };
          else if (block?.kind === "json" && jsonTool?.wrapped) yield { type: "text-delta", text: jsonToolText(block.buffer, jsonTool) };
          break;
        }
        case "message_delta":
          if (data.usage) usage = mergeAnthropicUsage(usage, data.usage);
          if (data.delta?.stop_reason) finish = mapAnthropicStopReason(data.delta.stop_reason);
          break;
        case "message_stop":
          stopped = true;
          break;
        case "error":
          yield streamErrorPart(provider, codeForAnthropicErrorType(data.error?.type), data.error?.message ?? "error event in stream");
          return;
        default:
          // Unknown event types are to be ignored, as Anthropic's versioning policy says.
          break;
      }
    }
  } catch (error) {
    if (signal?.aborted) return;
    if (stopped) return yield* finalParts(usage, finish, answeredInJson);
    yield streamErrorPart(provider, "SWY_ERR_STREAM_INTERRUPTED", `stream broke off: ${(error as Error).message}`);
    return;
  }
  if (!stopped) {
    if (signal?.aborted) return;
    yield streamErrorPart(provider, "SWY_ERR_STREAM_INTERRUPTED", "stream ended before message_stop");
    return;
  }
  yield* finalParts(usage, finish, answeredInJson);
}

function* finalParts(usage: AnthropicUsage, finish: FinishReason | undefined, answeredInJson: boolean): Generator<StreamPart> {
  yield { type: "usage", usage: convertAnthropicUsage(usage) };
  const reason = finish ?? { unified: "stop" };
  // The forced JSON tool is how the answer arrived, not a tool call the client has to run.
  yield { type: "finish", reason: answeredInJson && reason.unified === "tool-calls" ? { unified: "stop", raw: reason.raw } : reason };
}
