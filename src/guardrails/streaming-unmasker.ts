import type { MaskVault } from "./vault.js";

// A suffix that could still grow into a placeholder: `[`, `[EMA`, `[EMAIL_`, `[EMAIL_1`.
const PARTIAL_PLACEHOLDER = /\[[A-Z0-9_]*$/;

/**
 * Restores placeholders in a stream of deltas. A placeholder split across deltas (`[EMA` + `IL_1]`)
 * is held back until it completes or can no longer be one, so at most the vault's longest
 * placeholder is ever buffered.
 */
export class StreamingUnmasker {
  private pending = "";

  constructor(
    private readonly vault: MaskVault,
    private readonly json = false,
  ) {}

  push(delta: string): string {
    if (this.vault.size === 0) return delta;
    const text = this.pending + delta;
    const hold = this.holdFrom(text);
    this.pending = text.slice(hold);
    return hold === 0 ? "" : this.vault.restore(text.slice(0, hold), this.json);
  }

  /** Whatever is still held back, restored; call once at the end of the stream. */
  flush(): string {
    const rest = this.pending;
    this.pending = "";
    return rest.length === 0 ? "" : this.vault.restore(rest, this.json);
  }

  get buffered(): number {
    return this.pending.length;
  }

  private holdFrom(text: string): number {
    const open = text.lastIndexOf("[");
    if (open === -1) return text.length;
    const tail = text.length - open;
    if (tail >= this.vault.maxPlaceholderLength) return text.length;
    return PARTIAL_PLACEHOLDER.test(text.slice(open)) ? open : text.length;
  }
}
