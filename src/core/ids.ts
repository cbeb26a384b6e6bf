import { randomBytes } from "node:crypto";

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** The largest multiple of 62 a byte can hold: bytes below it map onto the alphabet evenly (four bytes per character). */
const EVEN_BYTES = 248;
const codes = Uint8Array.from(alphabet, (character) => character.charCodeAt(0));

/**
 * Maps random bytes to alphabet characters (as latin1 codes) into `out` from `at`, dropping the bytes
 * 248-255 so that every character is equally likely; stops when `out` is full and returns where the characters end.
 */
export function alphabetCodes(bytes: Uint8Array, out: Uint8Array, at = 0): number {
  let end = at;
  for (let index = 0; index < bytes.length && end < out.length; index++) {
    const byte = bytes[index]!;
    if (byte < EVEN_BYTES) out[end++] = codes[byte % 62]!;
  }
  return end;
}

// Random characters are made in blocks, already as latin1 codes of the alphabet, and decoded to a
// string a window at a time: an id is then a slice of that string (no copy until it is first read
// whole) instead of a string built a character at a time, and one crypto call serves ~160 ids. The
// window is small so that an id kept unread pins at most ~1 KB of text.
const BLOCK = 4096;
const WINDOW = 1024;
let block = Buffer.allocUnsafe(BLOCK);
let blockAt = BLOCK;
let window = "";
let windowAt = 0;

function nextWindow(length: number): void {
  const size = Math.max(WINDOW, length);
  if (blockAt + size > block.length) {
    if (block.length < size) block = Buffer.allocUnsafe(size);
    // ~3% of the bytes are dropped: a little more is drawn than the block needs.
    let filled = 0;
    while (filled < block.length) filled = alphabetCodes(randomBytes(block.length - filled + 160), block, filled);
    blockAt = 0;
  }
  window = block.toString("latin1", blockAt, blockAt + size);
  blockAt += size;
  windowAt = 0;
}

/** A random id such as `chatcmpl-3fX9...`: prefix plus 24 base62 characters. */
export function createId(prefix: string, length = 24): string {
  if (windowAt + length > window.length) nextWindow(length);
  const start = windowAt;
  windowAt += length;
  return prefix + window.slice(start, windowAt);
}

/** Digits in ASCII order, so that fixed-width numbers written with them sort as strings the way they sort as numbers. */
const sortable = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Eight sortable base-62 digits hold every millisecond until the year 8000. */
const TIME_DIGITS = 8;
/** The last millisecond written and its digits: under load many ids are made in the same millisecond. */
let lastTime = Number.NaN;
let lastDigits = "";

function timeDigits(time: number): string {
  if (time === lastTime) return lastDigits;
  let digits = "";
  let rest = time;
  for (let index = 0; index < TIME_DIGITS; index++) {
    digits = sortable[rest % 62]! + digits;
    rest = Math.floor(rest / 62);
  }
  lastTime = time;
  lastDigits = digits;
  return digits;
}

/**
 * An id whose first characters are the time it was made, such as `usg_0Q3f8pXa...`: the prefix,
 * the milliseconds since 1970 in eight sortable base-62 digits, then random characters up to
 * `length`. Rows stored under such ids land at the end of the primary-key index instead of
 * anywhere in it: an insert into a large table touches the same few pages as the one before, where
 * a random key dirties a page of its own (on SQLite, twice the CPU per usage row, and more WAL).
 * Ids made in the same millisecond are in random order among themselves.
 */
export function createTimeOrderedId(prefix: string, length = 24, now: number = Date.now()): string {
  return createId(prefix + timeDigits(Math.floor(now)), Math.max(0, length - TIME_DIGITS));
}

export function unixSeconds(date: number = Date.now()): number {
  return Math.floor(date / 1000);
}
