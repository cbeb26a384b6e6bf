import type { OpenaiRequestSettings } from "./request.js";

/**
 * An OpenAI chat request of the fast path's hot shape (`src/api/fast/hot-request.ts` admits only
 * these): text messages and the usual sampling settings, nothing else.
 */
export interface HotChatRequest {
  messages: ReadonlyArray<{ role: "system" | "developer" | "user" | "assistant"; content: string; name?: string }>;
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  seed?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  user?: string;
  stop?: string | string[] | null;
}

/**
 * The upstream body of a hot-shaped request, written straight from the inbound object: the bytes
 * `JSON.stringify(toOpenaiRequest(chatCompletionToCanonical(request)).body)` gives for it, without
 * the canonical round trip's objects or the generic serialiser's walk (a third of their CPU).
 * Strings go through `JSON.stringify` one by one, so their escapes are its escapes; numbers print
 * as JSON prints them (`String` of a finite number). The field order is `toOpenaiRequest`'s, and
 * `test/providers/openai-compatible/hot-request-body.test.ts` compares the two on seeded random
 * requests.
 */
export function hotRequestBody(request: HotChatRequest, model: string, stream: boolean, settings: OpenaiRequestSettings): string {
  let body = `{"model":${JSON.stringify(model)},"messages":[`;
  const messages = request.messages;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    if (index > 0) body += ",";
    // developer -> system and an assistant's or system's name dropped, as the canonical form does.
    const role = message.role === "developer" ? "system" : message.role;
    body += `{"role":"${role}","content":${JSON.stringify(message.content)}`;
    body += role === "user" && message.name !== undefined ? `,"name":${JSON.stringify(message.name)}}` : "}";
  }
  body += "]";
  if (request.temperature != null) body += `,"temperature":${request.temperature}`;
  if (request.top_p != null) body += `,"top_p":${request.top_p}`;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) body += `,"${settings.maxTokensField}":${maxTokens}`;
  const stop = request.stop;
  if (typeof stop === "string") body += `,"stop":[${JSON.stringify(stop)}]`;
  else if (stop != null && stop.length > 0) body += `,"stop":${JSON.stringify(stop)}`;
  if (request.seed != null) body += `,"seed":${request.seed}`;
  if (request.presence_penalty != null) body += `,"presence_penalty":${request.presence_penalty}`;
  if (request.frequency_penalty != null) body += `,"frequency_penalty":${request.frequency_penalty}`;
  if (request.user !== undefined) body += `,"user":${JSON.stringify(request.user)}`;
  if (stream) body += `,"stream":true,"stream_options":{"include_usage":true}`;
  return `${body}}`;
}
