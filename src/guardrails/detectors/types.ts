/** Built-in detector categories. Custom detectors add their own names from config. */
export const builtinCategories = [
  "private_key",
  "jwt",
  "url_credentials",
  "api_key",
  "email",
  "iban",
  "credit_card",
  "us_ssn",
  "ip_address",
  "phone",
  "high_entropy",
] as const;

export type BuiltinCategory = (typeof builtinCategories)[number];

/** A built-in category name, or the name of a custom detector from config. */
export type Category = string;

/** One detected span of `text`: `[start, end)` in UTF-16 code units. The value itself is never stored. */
export interface Finding {
  category: Category;
  start: number;
  end: number;
}

export interface Detector {
  readonly category: Category;
  /** Cheap pre-check on the whole text; a detector whose trigger is absent is skipped. */
  mayMatch?(text: string): boolean;
  /** Characters a streaming scanner must keep back for this detector (multi-word terms span tokens). */
  readonly holdBack?: number;
  detect(text: string): Finding[];
}

export function isBuiltinCategory(value: string): value is BuiltinCategory {
  return (builtinCategories as readonly string[]).includes(value);
}

/** Runs a global regex and maps each match (or one capture group) to a finding that passes `accept`. */
export function scanRegex(
  text: string,
  pattern: RegExp,
  category: Category,
  accept: (match: RegExpExecArray) => boolean = () => true,
  group = 0,
): Finding[] {
  const findings: Finding[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    if (!accept(match)) continue;
    if (group === 0) {
      findings.push({ category, start: match.index, end: match.index + match[0].length });
    } else {
      const value = match[group];
      if (value === undefined) continue;
      const start = match.index + match[0].indexOf(value);
      findings.push({ category, start, end: start + value.length });
    }
  }
  return findings;
}
