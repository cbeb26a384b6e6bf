import type { Category } from "./detectors/index.js";

/** `[EMAIL_1]`, `[CREDIT_CARD_2]`: what a masked value looks like upstream. */
const PLACEHOLDER = /\[[A-Z][A-Z0-9_]*_\d+\]/g;

export function placeholderLabel(category: Category): string {
  return category.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

export function redactionFor(category: Category): string {
  return `[REDACTED_${placeholderLabel(category)}]`;
}

/** Escapes a value for insertion inside a JSON string literal (tool-call arguments). */
export function escapeJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * The per-request map between masked values and their placeholders. The same value always gets the
 * same placeholder within a request, so the model can still tell two people's emails apart. It lives
 * only in memory for the duration of the request.
 */
export class MaskVault {
  private readonly placeholders = new Map<string, string>();
  private readonly originals = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private longest = 0;

  /**
   * @param taken placeholders already present in the request text: never issued, so a client's own
   *   literal `[EMAIL_1]` is not turned into someone else's address on the way back.
   */
  constructor(private readonly taken: (placeholder: string) => boolean = () => false) {}

  mask(category: Category, value: string): string {
    const key = `${category}\u0000${value}`;
    const existing = this.placeholders.get(key);
    if (existing) return existing;
    const label = placeholderLabel(category);
    let counter = this.counters.get(label) ?? 0;
    let placeholder: string;
    do {
      counter++;
      placeholder = `[${label}_${counter}]`;
    } while (this.taken(placeholder));
    this.counters.set(label, counter);
    this.placeholders.set(key, placeholder);
    this.originals.set(placeholder, value);
    this.longest = Math.max(this.longest, placeholder.length);
    return placeholder;
  }

  get size(): number {
    return this.originals.size;
  }

  /** Length of the longest issued placeholder: the most a streaming unmasker ever holds back. */
  get maxPlaceholderLength(): number {
    return this.longest;
  }

  original(placeholder: string): string | undefined {
    return this.originals.get(placeholder);
  }

  /** Puts the originals back; `json` escapes them for a JSON string context. */
  restore(text: string, json = false): string {
    if (this.originals.size === 0 || !text.includes("[")) return text;
    return text.replace(PLACEHOLDER, (placeholder) => {
      const value = this.originals.get(placeholder);
      if (value === undefined) return placeholder;
      return json ? escapeJsonString(value) : value;
    });
  }
}

/** Placeholders that already occur in some text (so the vault skips them). */
export function placeholdersIn(text: string): string[] {
  return text.match(PLACEHOLDER) ?? [];
}
