import type { Tiktoken } from "js-tiktoken/lite";

/** Longest run of non-space characters encoded in one go. */
const MAX_RUN = 64;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}`, "gu");

/**
 * js-tiktoken merges one pre-token in time quadratic in its length: a single 20,000-letter word
 * takes minutes and blocks the event loop. This makes the encoder cut runs longer than MAX_RUN code
 * points into pieces; ordinary text encodes exactly as before, and the tokens still decode to the text.
 * The instance keeps its type, so every caller of `encode` is covered.
 */
export function boundTokenizer(tokenizer: Tiktoken): Tiktoken {
  const encode = tokenizer.encode.bind(tokenizer);
  tokenizer.encode = (text: string, ...rest: unknown[]): number[] => {
    const once = (piece: string) => encode(piece, ...(rest as []));
    if (text.length <= MAX_RUN) return once(text);
    const tokens: number[] = [];
    let last = 0;
    for (const match of text.matchAll(LONG_RUN)) {
      if (match.index > last) tokens.push(...once(text.slice(last, match.index)));
      const points = Array.from(match[0]);
      for (let start = 0; start < points.length; start += MAX_RUN) tokens.push(...once(points.slice(start, start + MAX_RUN).join("")));
      last = match.index + match[0].length;
    }
    if (last < text.length) tokens.push(...once(text.slice(last)));
    return tokens;
  };
  return tokenizer;
}
