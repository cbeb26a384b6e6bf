import { randomBytes } from "node:crypto";

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

// Random bytes are drawn in blocks: one call per id costs a crypto round trip on every request.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** A random id such as `chatcmpl-3fX9...`: prefix plus 24 base62 characters. */
export function createId(prefix: string, length = 24): string {
  if (offset + length > POOL_SIZE) {
    pool = randomBytes(Math.max(POOL_SIZE, length));
    offset = 0;
  }
  let out = prefix;
  for (let index = 0; index < length; index++) out += alphabet[pool[offset + index]! % 62];
  offset += length;
  return out;
}

export function unixSeconds(date: number = Date.now()): number {
  return Math.floor(date / 1000);
}
