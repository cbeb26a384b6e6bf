import { randomBytes } from "node:crypto";

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A random id such as `chatcmpl-3fX9...`: prefix plus 24 base62 characters. */
export function createId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (let index = 0; index < length; index++) out += alphabet[bytes[index]! % 62];
  return out;
}

export function unixSeconds(date: number = Date.now()): number {
  return Math.floor(date / 1000);
}
