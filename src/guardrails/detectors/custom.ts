import { scanRegex, type Detector, type Finding } from "./types.js";

export interface CustomDetectorSpec {
  /** Literal terms (deny-list), matched on word boundaries. */
  terms?: string[];
  /** Regular expressions (JavaScript syntax). */
  patterns?: string[];
  caseSensitive?: boolean;
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A deny-list / regex detector defined in config; its name becomes a category usable in policies. */
export function createCustomDetector(category: string, spec: CustomDetectorSpec): Detector {
  const flags = spec.caseSensitive ? "g" : "gi";
  const patterns: RegExp[] = [];
  if (spec.terms && spec.terms.length > 0) {
    const alternatives = [...spec.terms].sort((a, b) => b.length - a.length).map(escapeRegex).join("|");
    patterns.push(new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_])`, `${flags}u`));
  }
  for (const source of spec.patterns ?? []) patterns.push(new RegExp(source, flags));
  return {
    category,
    holdBack: Math.max(0, ...(spec.terms ?? []).filter((term) => /\s/.test(term)).map((term) => term.length)),
    detect(text) {
      const findings: Finding[] = [];
      for (const pattern of patterns) findings.push(...scanRegex(text, pattern, category));
      return findings;
    },
  };
}
