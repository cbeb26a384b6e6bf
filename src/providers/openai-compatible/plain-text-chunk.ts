/**
 * The text of the commonest stream chunk, read from its bytes without JSON.parse: one choice
 * (index 0) whose delta holds only `content` (a string without escapes), no finish reason, and no
 * error or usage. Most chunks of a long answer look exactly like this:
 *
 *   {"id":"…","object":"chat.completion.chunk","created":1,"model":"…","choices":[{"index":0,
 *    "delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}
 *
 * Anything else, and anything this scanner is unsure of (an escape in a string, a nested value
 * before `choices`, an unknown field after it), answers undefined and takes the parse; so an
 * answer here is what JSON.parse and the event mapper would have read from the same chunk.
 */
export function plainTextDelta(data: string): string | undefined {
  const choices = data.indexOf(CHOICES);
  if (choices < 0 || !plainEnvelope(data, choices)) return undefined;
  const start = choices + CHOICES.length;
  const end = data.indexOf('"', start);
  if (end < 0) return undefined;
  const text = data.slice(start, end);
  // An escape would need decoding; a control character makes the chunk invalid JSON.
  if (text.includes("\\") || hasControl(text)) return undefined;
  const rest = data.slice(end + 1);
  for (const close of CHOICE_ENDS) {
    if (rest.startsWith(close) && plainTail(rest, close.length)) return text;
  }
  return undefined;
}

const CHOICES = '"choices":[{"index":0,"delta":{"content":"';

/** What may follow the content string: the end of the delta and of the one choice, in the orders servers send. */
const CHOICE_ENDS = ['},"logprobs":null,"finish_reason":null}]', '},"finish_reason":null}]', '},"finish_reason":null,"logprobs":null}]'];

/** Fields before `choices`: `{` then `"key":value,` pairs with plain values (a string without escapes, a number, null, a boolean). */
function plainEnvelope(data: string, end: number): boolean {
  if (data.charCodeAt(0) !== 123 /* { */) return false;
  let index = 1;
  while (index < end) {
    if (data.charCodeAt(index) !== 34 /* " */) return false;
    const keyEnd = data.indexOf('"', index + 1);
    if (keyEnd < 0 || keyEnd >= end) return false;
    const key = data.slice(index + 1, keyEnd);
    // `error` and `usage` change what the chunk means; a second `choices` is not this shape.
    if (key === "error" || key === "usage" || key === "choices" || key.includes("\\")) return false;
    if (data.charCodeAt(keyEnd + 1) !== 58 /* : */) return false;
    const valueEnd = plainValueEnd(data, keyEnd + 2);
    if (valueEnd < 0 || valueEnd >= end || data.charCodeAt(valueEnd) !== 44 /* , */) return false;
    index = valueEnd + 1;
  }
  return index === end;
}

/** After the choices array: `}`, or `,"usage":null` and plain string fields (`obfuscation`, ...) then `}`. */
function plainTail(rest: string, from: number): boolean {
  let index = from;
  while (rest.charCodeAt(index) === 44 /* , */) {
    index++;
    if (rest.charCodeAt(index) !== 34) return false;
    const keyEnd = rest.indexOf('"', index + 1);
    if (keyEnd < 0) return false;
    const key = rest.slice(index + 1, keyEnd);
    if (key === "error" || key === "choices" || key.includes("\\") || rest.charCodeAt(keyEnd + 1) !== 58) return false;
    const valueStart = keyEnd + 2;
    if (key === "usage") {
      if (!rest.startsWith("null", valueStart)) return false;
      index = valueStart + 4;
      continue;
    }
    const valueEnd = plainValueEnd(rest, valueStart);
    if (valueEnd < 0) return false;
    index = valueEnd;
  }
  return index === rest.length - 1 && rest.charCodeAt(index) === 125 /* } */;
}

/** The index just past a plain JSON value starting at `start`, or -1. */
function plainValueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === 34 /* " */) {
    const close = text.indexOf('"', start + 1);
    if (close < 0) return -1;
    const value = text.slice(start + 1, close);
    return value.includes("\\") || hasControl(value) ? -1 : close + 1;
  }
  for (const word of WORDS) if (text.startsWith(word, start)) return start + word.length;
  const match = NUMBER.exec(text.slice(start, start + 32));
  return match ? start + match[0].length : -1;
}

const WORDS = ["null", "true", "false"];
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

function hasControl(text: string): boolean {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) < 32) return true;
  return false;
}
