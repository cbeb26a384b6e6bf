import { shannonEntropy } from "./checksums.js";
import { scanRegex, type Detector } from "./types.js";

const TOKEN = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{20,512}(?![A-Za-z0-9+/_=-])/g;
const HEX_OR_UUID = /^(?:[0-9a-fA-F-]+)$/;

/**
 * A token looks like a generated secret when it mixes upper case, lower case and digits in
 * proportions an identifier or a word would not, with high per-character entropy.
 * Hex strings (hashes, UUIDs, commit ids) are excluded: they are rarely secrets on their own
 * and are the commonest false positive.
 */
export function looksRandom(token: string): boolean {
  const core = token.replace(/=+$/, "");
  if (core.length < 20 || HEX_OR_UUID.test(core)) return false;
  if (/^[a-z]+(?:[-_][a-z]+)*$/i.test(core)) return false;
  let upper = 0;
  let lower = 0;
  let digits = 0;
  for (const char of core) {
    if (char >= "A" && char <= "Z") upper++;
    else if (char >= "a" && char <= "z") lower++;
    else if (char >= "0" && char <= "9") digits++;
  }
  const length = core.length;
  if (upper < 2 || lower < 2 || digits < 2) return false;
  if (upper / length < 0.12 || lower / length < 0.12) return false;
  // Paths and dotted names are structured, not random.
  if ((core.match(/[/_-]/g)?.length ?? 0) > length / 6) return false;
  // camelCase / PascalCase identifiers are mostly word-shaped runs ("getUserAccountById2024").
  const wordy = core.match(/[A-Z]?[a-z]{3,}/g)?.join("").length ?? 0;
  if (wordy / length > 0.5) return false;
  const threshold = Math.min(4.5, Math.log2(length) - 0.6);
  return shannonEntropy(core) >= threshold;
}

export const highEntropyDetector: Detector = {
  category: "high_entropy",
  detect: (text) => scanRegex(text, TOKEN, "high_entropy", (match) => looksRandom(match[0])),
};
