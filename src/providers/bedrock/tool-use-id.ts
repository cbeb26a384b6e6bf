import { createHash } from "node:crypto";

/**
 * Converse accepts tool use ids of 1-64 characters from `[a-zA-Z0-9_-]`. Longer or other ids
 * (a conversation started on another provider) are mapped to a stable digest, the same for the
 * call and its result.
 */
export function toBedrockToolUseId(id: string): string {
  if (/^[a-zA-Z0-9_-]{1,64}$/.test(id)) return id;
  return `tooluse_${createHash("sha256").update(id).digest("base64url").slice(0, 32)}`;
}
