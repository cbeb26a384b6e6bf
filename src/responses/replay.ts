import type { FunctionCallOutput, MessageOutput, OutputItem, ReasoningOutput, ResponseEvent } from "./output-items.js";

/**
 * The event sequence of a stored response, as its stream sent it (one delta per text), for
 * `GET /v1/responses/{id}?stream=true`. Item ids are the stored ones, so a client resuming with
 * `starting_after` sees the same items it saw live.
 */
export function replayEvents(response: Record<string, unknown>): ResponseEvent[] {
  const output = (response.output ?? []) as OutputItem[];
  const shell = { ...response, status: "in_progress", output: [], usage: null, error: null, incomplete_details: null };
  const events: ResponseEvent[] = [
    { type: "response.created", response: shell },
    { type: "response.in_progress", response: shell },
  ];
  output.forEach((item, index) => events.push(...itemEvents(item, index)));
  events.push({ type: terminalEvent(String(response.status)), response });
  return events.map((event, index) => ({ ...event, sequence_number: index }));
}

function terminalEvent(status: string): string {
  if (status === "failed") return "response.failed";
  if (status === "incomplete") return "response.incomplete";
  return "response.completed";
}

function itemEvents(item: OutputItem, outputIndex: number): ResponseEvent[] {
  switch (item.type) {
    case "message":
      return messageEvents(item, outputIndex);
    case "reasoning":
      return reasoningEvents(item, outputIndex);
    case "function_call":
      return callEvents(item, outputIndex);
  }
}

function messageEvents(item: MessageOutput, outputIndex: number): ResponseEvent[] {
  const base = { item_id: item.id, output_index: outputIndex };
  const events: ResponseEvent[] = [{ type: "response.output_item.added", output_index: outputIndex, item: { ...item, status: "in_progress", content: [] } }];
  item.content.forEach((part, contentIndex) => {
    events.push(
      { type: "response.content_part.added", ...base, content_index: contentIndex, part: { ...part, text: "" } },
      { type: "response.output_text.delta", ...base, content_index: contentIndex, delta: part.text, logprobs: [] },
      { type: "response.output_text.done", ...base, content_index: contentIndex, text: part.text, logprobs: [] },
      { type: "response.content_part.done", ...base, content_index: contentIndex, part },
    );
  });
  events.push({ type: "response.output_item.done", output_index: outputIndex, item });
  return events;
}

function reasoningEvents(item: ReasoningOutput, outputIndex: number): ResponseEvent[] {
  const base = { item_id: item.id, output_index: outputIndex };
  const events: ResponseEvent[] = [{ type: "response.output_item.added", output_index: outputIndex, item: { ...item, summary: [] } }];
  item.summary.forEach((part, summaryIndex) => {
    events.push(
      { type: "response.reasoning_summary_part.added", ...base, summary_index: summaryIndex, part: { type: "summary_text", text: "" } },
      { type: "response.reasoning_summary_text.delta", ...base, summary_index: summaryIndex, delta: part.text },
      { type: "response.reasoning_summary_text.done", ...base, summary_index: summaryIndex, text: part.text },
      { type: "response.reasoning_summary_part.done", ...base, summary_index: summaryIndex, part },
    );
  });
  events.push({ type: "response.output_item.done", output_index: outputIndex, item });
  return events;
}

function callEvents(item: FunctionCallOutput, outputIndex: number): ResponseEvent[] {
  const base = { item_id: item.id, output_index: outputIndex };
  return [
    { type: "response.output_item.added", output_index: outputIndex, item: { ...item, arguments: "", status: "in_progress" } },
    { type: "response.function_call_arguments.delta", ...base, delta: item.arguments },
    { type: "response.function_call_arguments.done", ...base, name: item.name, arguments: item.arguments },
    { type: "response.output_item.done", output_index: outputIndex, item },
  ];
}
