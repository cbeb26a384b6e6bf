import { createHash } from "node:crypto";

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * Mistral accepts only tool call ids of exactly 9 letters and digits. Ids minted elsewhere
 * (`call_...` from OpenAI, `toolu_...` from Anthropic) are mapped to a stable 9-character digest,
 * the same for a call and its result, so a conversation can move between providers.
 */
export function toMistralToolCallId(id: string): string {
  if (/^[a-zA-Z0-9]{9}$/.test(id)) return id;
  const digest = createHash("sha256").update(id).digest();
  let out = "";
  for (let index = 0; index < 9; index++) out += alphabet[digest[index]! % 62];
  return out;
}
