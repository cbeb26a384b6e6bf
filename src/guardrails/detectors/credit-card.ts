import { luhnValid } from "./checksums.js";
import { scanRegex, type Detector } from "./types.js";

// 13-19 digits, optionally grouped by single spaces or dashes.
const CARD = /(?<![\d.,+-])\d(?:[ -]?\d){12,18}(?![\d-]|[.,]\d)/g;

/** Issuer prefixes (IIN ranges) of the major card networks, with their lengths. */
function knownIssuer(digits: string): boolean {
  const length = digits.length;
  // 17- and 18-digit cards are rare; such runs are far more often tracking or reference numbers.
  if (length === 17 || length === 18) return false;
  const two = Number(digits.slice(0, 2));
  const three = Number(digits.slice(0, 3));
  const four = Number(digits.slice(0, 4));
  const six = Number(digits.slice(0, 6));
  if (digits[0] === "4") return length === 13 || length === 16 || length === 19; // Visa
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return length === 16; // Mastercard
  if (two === 34 || two === 37) return length === 15; // American Express
  if (four === 6011 || two === 65 || (three >= 644 && three <= 649) || (six >= 622126 && six <= 622925)) {
    return length >= 16 && length <= 19; // Discover
  }
  if (four >= 3528 && four <= 3589) return length >= 16 && length <= 19; // JCB
  if (two === 36 || two === 38 || two === 39 || (three >= 300 && three <= 305)) return length >= 14 && length <= 19; // Diners
  if (two === 62) return length >= 16 && length <= 19; // UnionPay
  if (["50", "56", "57", "58", "63", "67"].includes(digits.slice(0, 2))) return length >= 12 && length <= 19; // Maestro
  return false;
}

export function isCardNumber(raw: string): boolean {
  const separators = raw.match(/[ -]/g);
  // Mixed separators ("4111 1111-1111 1111") are not how cards are written.
  if (separators && new Set(separators).size > 1) return false;
  const digits = raw.replace(/[ -]/g, "");
  if (/^(\d)\1+$/.test(digits)) return false;
  return knownIssuer(digits) && luhnValid(digits);
}

export const creditCardDetector: Detector = {
  category: "credit_card",
  detect: (text) => scanRegex(text, CARD, "credit_card", (match) => isCardNumber(match[0])),
};
