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

/** Digits in ASCII order, so that fixed-width numbers written with them sort as strings the way they sort as numbers. */
const sortable = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Eight sortable base-62 digits hold every millisecond until the year 8000. */
const TIME_DIGITS = 8;

/**
 * An id whose first characters are the time it was made, such as `usg_0Q3f8pXa...`: the prefix,
 * the milliseconds since 1970 in eight sortable base-62 digits, then random characters up to
 * `length`. Rows stored under such ids land at the end of the primary-key index instead of
 * anywhere in it: an insert into a large table touches the same few pages as the one before, where
 * a random key dirties a page of its own (on SQLite, twice the CPU per usage row, and more WAL).
 * Ids made in the same millisecond are in random order among themselves.
 */
export function createTimeOrderedId(prefix: string, length = 24, now: number = Date.now()): string {
  let time = "";
  let rest = Math.floor(now);
  for (let index = 0; index < TIME_DIGITS; index++) {
    time = sortable[rest % 62]! + time;
    rest = Math.floor(rest / 62);
  }
  return createId(prefix + time, Math.max(0, length - TIME_DIGITS));
}

export function unixSeconds(date: number = Date.now()): number {
  return Math.floor(date / 1000);
}
