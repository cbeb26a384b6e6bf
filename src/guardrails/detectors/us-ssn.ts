import { scanRegex, type Detector } from "./types.js";

// Formatted SSNs anywhere, but not as the tail of a longer number ("+44 855 64 2901");
// bare nine digits only right after an SSN label.
const FORMATTED = /(?<![\d+-])(?<![\d+][ -])(?<!\+\d{1,3}[ -])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-]|[ -]\d)/g;
const LABELLED = /\b(?:ssn|social security(?: number| no\.?)?)\s*(?:#|no\.?|number)?\s*[:=]?\s*(\d{9})(?!\d)/gi;

/** Numbers the SSA never issues or that are publicly known samples. */
const KNOWN_INVALID = new Set(["078051120", "219099999", "123456789"]);

export function isValidSsn(digits: string): boolean {
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === 0 || serial === 0) return false;
  return !KNOWN_INVALID.has(digits);
}

export const usSsnDetector: Detector = {
  category: "us_ssn",
  detect: (text) => [
    ...scanRegex(text, FORMATTED, "us_ssn", (match) => isValidSsn(`${match[1]}${match[3]}${match[4]}`)),
    ...scanRegex(text, LABELLED, "us_ssn", (match) => isValidSsn(match[1]!), 1),
  ],
};
