import type { ChatCompletionRequest } from "../openai/schema.js";
import type { HotChatRequest } from "../../providers/openai-compatible/hot-request-body.js";

/** A request of the hot shape: what the schema would give for it, and what the upstream body is written from. */
export type HotRequest = ChatCompletionRequest & HotChatRequest;

/**
 * The precompiled check for the common request shape: plain text messages and the usual sampling
 * settings. A body that passes it is one `chatCompletionRequestSchema` accepts unchanged (no
 * defaults, no transforms), so the fast path may skip the zod parse. Anything else (tools, images,
 * response formats, pass-through parameters, a value out of range, an unknown field) answers
 * undefined and the request takes the full path, which validates it and reports problems.
 */
export function hotRequest(body: unknown): HotRequest | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  for (const key in record) {
    const check = CHECKS.get(key);
    if (check === undefined || !check(record[key])) return undefined;
  }
  if (typeof record.model !== "string" || !Array.isArray(record.messages)) return undefined;
  return body as HotRequest;
}

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === "string";
const isBoolean: Check = (value) => typeof value === "boolean";
const absent = (value: unknown) => value === null || value === undefined;
const number = (min: number, max: number): Check => (value) => absent(value) || (typeof value === "number" && value >= min && value <= max);
const integer = (min: number): Check => (value) => absent(value) || (Number.isSafeInteger(value) && (value as number) >= min);
const nullable = (check: Check): Check => (value) => absent(value) || check(value);

const MESSAGE_ROLES = new Set(["system", "developer", "user", "assistant"]);

/** A message with string content and an optional name; tool calls and content parts take the full path. */
function isTextMessage(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const message = value as Record<string, unknown>;
  let keys = 0;
  for (const key in message) {
    keys++;
    if (key !== "role" && key !== "content" && key !== "name") return false;
  }
  if (keys === 0 || !MESSAGE_ROLES.has(message.role as string) || typeof message.content !== "string") return false;
  return message.name === undefined || typeof message.name === "string";
}

const CHECKS = new Map<string, Check>(Object.entries({
  model: (value) => typeof value === "string" && value.length > 0,
  messages: (value) => Array.isArray(value) && value.length > 0 && value.every(isTextMessage),
  stream: nullable(isBoolean),
  stream_options: (value) => {
    if (absent(value)) return true;
    if (typeof value !== "object" || Array.isArray(value)) return false;
    const options = value as Record<string, unknown>;
    for (const key in options) if (key !== "include_usage" || !isBoolean(options[key])) return false;
    return true;
  },
  temperature: number(0, 2),
  top_p: number(0, 1),
  max_tokens: integer(1),
  max_completion_tokens: integer(1),
  seed: integer(Number.MIN_SAFE_INTEGER),
  presence_penalty: number(-2, 2),
  frequency_penalty: number(-2, 2),
  n: (value) => absent(value) || value === 1,
  user: isString,
  stop: (value) => absent(value) || typeof value === "string" || (Array.isArray(value) && value.length <= 16 && value.every(isString)),
}));
