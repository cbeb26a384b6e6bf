import type { OutputAction } from "./config.js";
import type { DetectorSet, Finding } from "./detectors/index.js";
import { GuardrailBlockedError, rewrite } from "./apply-input.js";
import { activeCategories } from "./policy.js";
import { redactionFor } from "./vault.js";

/** The longest span the scanner waits for: an unfinished PEM block is held up to this many characters. */
const MAX_HELD = 16_384;
/** Rescan only after this many new characters, so a stream of tiny deltas is not rescanned per delta. */
const STEP = 32;

/**
 * Output checks over one channel of a streamed response. It keeps the last `window` characters
 * back, so a secret split across deltas is still seen whole before any of it is sent; findings are
 * redacted or, for `block`, a GuardrailBlockedError is thrown before the offending text leaves.
 */
export class OutputScanner {
  private buffer = "";
  private readonly wanted: Set<string>;

  constructor(
    private readonly detectors: DetectorSet,
    private readonly policy: ReadonlyMap<string, OutputAction>,
    private readonly window: number,
    private readonly onAction: (category: string, action: OutputAction) => void,
  ) {
    this.wanted = activeCategories(policy);
  }

  get active(): boolean {
    return this.wanted.size > 0;
  }

  push(delta: string): string {
    if (!this.active) return delta;
    this.buffer += delta;
    if (this.buffer.length < this.window + STEP) return "";
    const findings = this.scan();
    let cut = this.buffer.length - this.window;
    for (const finding of findings) if (finding.start < cut && finding.end > cut) cut = finding.start;
    const pem = this.buffer.lastIndexOf("-----BEGIN");
    if (pem !== -1 && pem < cut && this.buffer.indexOf("-----END", pem) === -1 && this.buffer.length - pem < MAX_HELD) cut = pem;
    return this.emit(cut, findings);
  }

  flush(): string {
    if (!this.active || this.buffer.length === 0) return "";
    return this.emit(this.buffer.length, this.scan());
  }

  private scan(): Finding[] {
    const findings = this.detectors.detect(this.buffer, this.wanted);
    for (const finding of findings) {
      if (this.policy.get(finding.category) === "block") {
        this.onAction(finding.category, "block");
        throw new GuardrailBlockedError(finding.category, "response");
      }
    }
    return findings;
  }

  private emit(cut: number, findings: readonly Finding[]): string {
    if (cut <= 0) return "";
    const emitted = findings.filter((finding) => finding.end <= cut);
    const text = rewrite(this.buffer.slice(0, cut), emitted, (finding) => {
      this.onAction(finding.category, "redact");
      return redactionFor(finding.category);
    });
    this.buffer = this.buffer.slice(cut);
    return text;
  }
}
