import type { OpenaiUsage } from "./wire.js";

/**
 * What the event mapper reads from one stream chunk, read from its text without JSON.parse, for the
 * shapes every plain answer is made of (compact JSON, one choice with index 0):
 *
 *   {"id":"…","object":"chat.completion.chunk","created":1,"model":"…","choices":[{"index":0,
 *    "delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}   the first
 *   … "choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}
 *   … "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}       the finish
 *   … "choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}  usage
 *
 * Parsing each into objects only to read a few fields showed in the fast path's profiles. The
 * reader answers false for anything else and anything it is unsure of, which then takes the parse:
 * whitespace between tokens, an unknown field inside a choice or a delta, a nested value before
 * `choices`, an escape in a key, an `error`, tool calls, another choice. So when it answers true,
 * `read` holds what the mapper would have read from `JSON.parse(data)` (checked against the parse
 * on seeded random chunks in test/providers/openai-compatible/chunk-reader.test.ts). Escapes in
 * string values are decoded by JSON.parse of that string alone; a field given twice counts as its
 * last value, as in the parse.
 *
 * The fields are written into `read` (one object, reused: valid until the next call).
 */
export interface ChunkRead {
  id: string | null | undefined;
  model: string | null | undefined;
  created: number | null | undefined;
  /** The chunk has a choice (index 0), whose fields follow. */
  choice: boolean;
  content: string | null | undefined;
  reasoning: string | null | undefined;
  refusal: string | null | undefined;
  finishReason: string | null | undefined;
  /** The chunk's `usage` (the fields the mapper reads), or null/undefined. */
  usage: OpenaiUsage | null | undefined;
  /**
   * Where `"choices":` begins. The fields before it are plain values (no `usage`, no `error`), so a
   * later chunk that begins with the same text has the same fields: the reader can skip them there.
   */
  envelopeEnd: number;
  /**
   * Where the text of `content` begins and ends (its quotes excluded) when it is the delta's only
   * `content` and has no escapes, else -1: a later chunk that differs only there reads the same.
   */
  contentFrom: number;
  contentTo: number;
}

export const read: ChunkRead = {
  id: undefined,
  model: undefined,
  created: undefined,
  choice: false,
  content: undefined,
  reasoning: undefined,
  refusal: undefined,
  finishReason: undefined,
  usage: undefined,
  envelopeEnd: 0,
  contentFrom: -1,
  contentTo: -1,
};

const CHOICES = '"choices":';
const ONE_CHOICE = '[{"index":0,"delta":';

/**
 * Reads `data` into `read`; false when the chunk is not one of the shapes read here (then parse it).
 * `envelope`: the text before `"choices":` of a chunk read earlier; when `data` begins with it the
 * reading starts after it, and id, model and created are left undefined (the mapper reads them
 * from the first chunk only).
 */
export function readChunk(data: string, envelope?: string): boolean {
  read.id = read.model = read.created = read.usage = undefined;
  read.choice = false;
  read.content = read.reasoning = read.refusal = read.finishReason = undefined;
  read.contentFrom = read.contentTo = -1;
  let at: number;
  if (envelope !== undefined && begins(data, envelope)) {
    at = envelope.length;
    read.envelopeEnd = at;
  } else {
    at = data.indexOf(CHOICES);
    if (at < 0 || !plainEnvelope(data, at)) return false;
    read.envelopeEnd = at;
  }
  if (!isAt(data, CHOICES, at)) return false;
  at += CHOICES.length;
  if (data.charCodeAt(at) === OPEN_BRACKET && data.charCodeAt(at + 1) === CLOSE_BRACKET) {
    at += 2;
  } else if (isAt(data, ONE_CHOICE, at)) {
    at = delta(data, at + ONE_CHOICE.length);
    if (at < 0) return false;
    // The rest of the choice: `logprobs` (null) and `finish_reason`, in either order, then its end.
    while (data.charCodeAt(at) === COMMA) {
      if (isAt(data, '"finish_reason":', at + 1)) {
        at = stringOrNull(data, at + 17);
        read.finishReason = value;
      } else if (isAt(data, '"logprobs":null', at + 1)) {
        at += 16;
      } else return false;
      if (at < 0) return false;
    }
    if (data.charCodeAt(at) !== CLOSE_BRACE || data.charCodeAt(at + 1) !== CLOSE_BRACKET) return false;
    at += 2;
    read.choice = true;
  } else return false;
  // After the choices: `usage`, or plain fields (`system_fingerprint`, `obfuscation`, ...).
  while (data.charCodeAt(at) === COMMA) {
    at++;
    const keyEnd = plainKeyEnd(data, at);
    if (keyEnd < 0) return false;
    const length = keyEnd - at - 1;
    if (length === 5 && isAt(data, "usage", at + 1)) at = usage(data, keyEnd + 2);
    else if ((length === 5 && isAt(data, "error", at + 1)) || (length === 7 && isAt(data, "choices", at + 1))) return false;
    else at = plainValueEnd(data, keyEnd + 2);
    if (at < 0) return false;
  }
  return at === data.length - 1 && data.charCodeAt(at) === CLOSE_BRACE;
}

/**
 * The text between `prefix` and `suffix` when `data` is exactly those around a string without
 * quotes, escapes or control characters, else undefined. With the prefix and suffix of a text chunk
 * read earlier (`contentFrom`, `contentTo`), such a chunk is that chunk with other text: it reads
 * the same but for the text.
 */
export function textBetween(data: string, prefix: string, suffix: string): string | undefined {
  const end = data.length - suffix.length;
  if (end < prefix.length || !begins(data, prefix) || data.slice(end) !== suffix) return undefined;
  for (let index = prefix.length; index < end; index++) {
    const code = data.charCodeAt(index);
    if (code === QUOTE || code === BACKSLASH || code < 32) return undefined;
  }
  return data.slice(prefix.length, end);
}

/** The delta object at `at` (or null): its text fields, `role`, and `tool_calls` only when null. */
function delta(data: string, at: number): number {
  if (isNull(data, at)) return at + 4;
  if (data.charCodeAt(at) !== OPEN_BRACE) return -1;
  at++;
  if (data.charCodeAt(at) === CLOSE_BRACE) return at + 1;
  let contents = 0;
  for (;;) {
    if (isAt(data, '"content":', at)) {
      const from = at + 10;
      at = stringOrNull(data, from);
      read.content = value;
      if (++contents === 1 && value !== null && !escaped) {
        read.contentFrom = from + 1;
        read.contentTo = at - 1;
      } else read.contentFrom = read.contentTo = -1;
    } else if (isAt(data, '"role":', at)) {
      at = stringOrNull(data, at + 7);
    } else if (isAt(data, '"refusal":', at)) {
      at = stringOrNull(data, at + 10);
      read.refusal = value;
    } else if (isAt(data, '"reasoning_content":', at)) {
      at = stringOrNull(data, at + 20);
      read.reasoning = value;
    } else if (isAt(data, '"tool_calls":null', at)) {
      at += 17;
    } else return -1;
    if (at < 0) return -1;
    const next = data.charCodeAt(at);
    if (next === CLOSE_BRACE) return at + 1;
    if (next !== COMMA) return -1;
    at++;
  }
}

/** `null` or a usage object: token counts (numbers or null), details (objects of numbers, or null), other plain fields. */
function usage(data: string, at: number): number {
  if (isNull(data, at)) {
    read.usage = null;
    return at + 4;
  }
  if (data.charCodeAt(at) !== OPEN_BRACE) return -1;
  const found: OpenaiUsage = {};
  read.usage = found;
  at++;
  if (data.charCodeAt(at) === CLOSE_BRACE) return at + 1;
  for (;;) {
    const keyEnd = plainKeyEnd(data, at);
    if (keyEnd < 0) return -1;
    const length = keyEnd - at - 1;
    const from = keyEnd + 2;
    if (length === 13 && isAt(data, "prompt_tokens", at + 1)) {
      at = numberOrNull(data, from);
      found.prompt_tokens = number;
    } else if (length === 17 && isAt(data, "completion_tokens", at + 1)) {
      at = numberOrNull(data, from);
      found.completion_tokens = number;
    } else if (length === 21 && isAt(data, "prompt_tokens_details", at + 1)) {
      at = details(data, from, "cached_tokens");
      found.prompt_tokens_details = detailsNull ? null : { cached_tokens: detailsCount };
    } else if (length === 25 && isAt(data, "completion_tokens_details", at + 1)) {
      at = details(data, from, "reasoning_tokens");
      found.completion_tokens_details = detailsNull ? null : { reasoning_tokens: detailsCount };
    } else {
      at = plainValueEnd(data, from);
    }
    if (at < 0) return -1;
    const next = data.charCodeAt(at);
    if (next === CLOSE_BRACE) return at + 1;
    if (next !== COMMA) return -1;
    at++;
  }
}

/** What `details` read: `null`, or an object with the wanted count (a number, null, or undefined when absent). */
let detailsNull = false;
let detailsCount: number | null | undefined;

/** `null` or an object of plain fields whose `wanted` field (if any) is a number or null. */
function details(data: string, at: number, wanted: string): number {
  detailsNull = isNull(data, at);
  if (detailsNull) return at + 4;
  if (data.charCodeAt(at) !== OPEN_BRACE) return -1;
  let count: number | null | undefined;
  at++;
  if (data.charCodeAt(at) !== CLOSE_BRACE) {
    for (;;) {
      const keyEnd = plainKeyEnd(data, at);
      if (keyEnd < 0) return -1;
      if (keyEnd - at - 1 === wanted.length && isAt(data, wanted, at + 1)) {
        at = numberOrNull(data, keyEnd + 2);
        count = number;
      } else {
        at = plainValueEnd(data, keyEnd + 2);
      }
      if (at < 0) return -1;
      const next = data.charCodeAt(at);
      if (next === CLOSE_BRACE) break;
      if (next !== COMMA) return -1;
      at++;
    }
  }
  detailsCount = count;
  return at + 1;
}

/**
 * The fields before `choices` (at `end`): `{` then `"key":value,` pairs with plain values; id and
 * model strings or null, created a number or null (as the parse's shape check wants), read into
 * `read`; no `usage`, `error` or second `choices`.
 */
function plainEnvelope(data: string, end: number): boolean {
  if (data.charCodeAt(0) !== OPEN_BRACE) return false;
  let at = 1;
  while (at < end) {
    const keyEnd = plainKeyEnd(data, at);
    if (keyEnd < 0 || keyEnd >= end) return false;
    const length = keyEnd - at - 1;
    const from = keyEnd + 2;
    if (length === 2 && isAt(data, "id", at + 1)) {
      at = stringOrNull(data, from);
      read.id = value;
    } else if (length === 5 && isAt(data, "model", at + 1)) {
      at = stringOrNull(data, from);
      read.model = value;
    } else if (length === 7 && isAt(data, "created", at + 1)) {
      at = numberOrNull(data, from);
      read.created = number;
    } else if ((length === 5 && (isAt(data, "usage", at + 1) || isAt(data, "error", at + 1))) || (length === 7 && isAt(data, "choices", at + 1))) {
      return false;
    } else {
      at = plainValueEnd(data, from);
    }
    if (at < 0 || at >= end || data.charCodeAt(at) !== COMMA) return false;
    at++;
  }
  return at === end;
}

/** The closing quote of the key at `at` (followed by `:`), or -1; a key with an escape is left to the parse. */
function plainKeyEnd(data: string, at: number): number {
  if (data.charCodeAt(at) !== QUOTE) return -1;
  const end = data.indexOf('"', at + 1);
  if (end < 0 || data.charCodeAt(end + 1) !== COLON) return -1;
  for (let index = at + 1; index < end; index++) {
    const code = data.charCodeAt(index);
    if (code === BACKSLASH || code < 32) return -1;
  }
  return end;
}

/** Past a plain JSON value at `at` (a string, a number, null, true, false), or -1. */
function plainValueEnd(data: string, at: number): number {
  const first = data.charCodeAt(at);
  if (first === QUOTE) return string(data, at);
  if (first === 110 /* n */) return isNull(data, at) ? at + 4 : -1;
  if (first === 116 /* t */) return isAt(data, "true", at) ? at + 4 : -1;
  if (first === 102 /* f */) return isAt(data, "false", at) ? at + 5 : -1;
  return numberEnd(data, at);
}

/** The last string read (`string`), number read (`numberOrNull`) and string-or-null read (`stringOrNull`). */
let text = "";
/** The last string read had an escape. */
let escaped = false;
let number: number | null = null;
let value: string | null = null;

function stringOrNull(data: string, at: number): number {
  if (data.charCodeAt(at) === QUOTE) {
    at = string(data, at);
    value = text;
    return at;
  }
  value = null;
  return isNull(data, at) ? at + 4 : -1;
}

function numberOrNull(data: string, at: number): number {
  if (isNull(data, at)) {
    number = null;
    return at + 4;
  }
  const end = numberEnd(data, at);
  if (end < 0) return -1;
  // A one-digit number is its digit; longer ones read the same through Number() as through JSON.parse.
  number = end === at + 1 ? data.charCodeAt(at) - 48 : Number(data.slice(at, end));
  return end;
}

/** The string whose `"` is at `at`, into `text`: the index past its closing quote, or -1. */
function string(data: string, at: number): number {
  const end = data.indexOf('"', at + 1);
  if (end < 0) return -1;
  escaped = false;
  for (let index = at + 1; index < end; index++) {
    const code = data.charCodeAt(index);
    if (code === BACKSLASH) {
      escaped = true;
      return escapedString(data, at);
    }
    // A raw control character makes the chunk invalid JSON.
    if (code < 32) return -1;
  }
  text = data.slice(at + 1, end);
  return end + 1;
}

/** A string with escapes: its end found past escaped quotes, its text decoded as the parse decodes it. */
function escapedString(data: string, at: number): number {
  let end = at + 1;
  for (;;) {
    if (end >= data.length) return -1;
    const code = data.charCodeAt(end);
    if (code === QUOTE) break;
    end += code === BACKSLASH ? 2 : 1;
  }
  try {
    text = JSON.parse(data.slice(at, end + 1)) as string;
  } catch {
    return -1;
  }
  return end + 1;
}

/** Past a JSON number at `at` (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`), or -1. */
function numberEnd(data: string, at: number): number {
  let end = at;
  if (data.charCodeAt(end) === 45 /* - */) end++;
  const lead = data.charCodeAt(end);
  if (lead === 48 /* 0 */) end++;
  else if (lead >= 49 && lead <= 57) end = digits(data, end + 1);
  else return -1;
  if (data.charCodeAt(end) === 46 /* . */) {
    if (!isDigit(data.charCodeAt(end + 1))) return -1;
    end = digits(data, end + 1);
  }
  const exponent = data.charCodeAt(end);
  if (exponent === 101 || exponent === 69 /* e E */) {
    end++;
    const sign = data.charCodeAt(end);
    if (sign === 43 || sign === 45) end++;
    if (!isDigit(data.charCodeAt(end))) return -1;
    end = digits(data, end);
  }
  return end;
}

function digits(data: string, at: number): number {
  while (isDigit(data.charCodeAt(at))) at++;
  return at;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Whether `data` begins with `start`, by comparing a slice: V8 (Node 20) runs startsWith with a
 * string argument it cannot prove to be one (a field) about six times slower (measured on these chunks).
 */
function begins(data: string, start: string): boolean {
  return data.length >= start.length && data.slice(0, start.length) === start;
}

/**
 * Whether `part` is in `data` at `at`. indexOf, not startsWith: V8 (Node 20) compares a literal
 * with startsWith about three times slower than indexOf finds it (measured on these chunks).
 */
function isAt(data: string, part: string, at: number): boolean {
  return data.indexOf(part, at) === at;
}

function isNull(data: string, at: number): boolean {
  return data.charCodeAt(at) === 110 && data.charCodeAt(at + 1) === 117 && data.charCodeAt(at + 2) === 108 && data.charCodeAt(at + 3) === 108;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
