import { createHash } from "node:crypto";
import { createId } from "../../core/ids.js";

export const VIRTUAL_KEY_PREFIX = "sk-swy-";

/** A new virtual key: ~238 bits of randomness, so a fast hash is enough to store it. */
export function generateKeySecret(): string {
  return createId(VIRTUAL_KEY_PREFIX, 40);
}

export function hashKeySecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** What the admin API shows of a key after creation. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, VIRTUAL_KEY_PREFIX.length + 6);
}

export function looksLikeVirtualKey(credential: string): boolean {
  return credential.startsWith(VIRTUAL_KEY_PREFIX);
}
