import type { OutputAction } from "./config.js";
import type { DetectorSet, Finding } from "./detectors/index.js";
import { GuardrailBlockedError, rewrite } from "./apply-input.js";
import { activeCategories } from "./policy.js";
import { redactionFor } from "./vault.js";

/** The longest span the scanner waits for: an unfinished PEM block is held up to this many characters. */
const MAX_PEM = 16_384;
/** Already-sent text scanned again as context (labels such as `aws_secret_access_key =` or `phone:`). */
const CONTEXT = 64;
// A trailing group of a number written in parts: "4111", "+44", "(415)", "DE89".
const GROUP = /^[+(]?[0-9A-Z()-]{1,6}$/;

/**
 * How many trailing characters could still grow into a finding: the last unbroken token, plus
 * short digit groups before it (card numbers, phone numbers and IBANs are written with spaces).
 */
export function unfinishedTail(text: string): number {
  let start = text.length;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  for (let groups = 0; groups < 8 && start > 0 && text[start - 1] === " "; groups++) {
    let groupStart = start - 1;
    while (groupStart > 0 && !/\s/.test(text[groupStart - 1]!)) groupStart--;
    if (!GROUP.test(text.slice(groupStart, start - 1))) break;
    start = groupStart;
  }
  return text.length - start;
}

/** A PEM block that is (or may still become) a private key and has not been matched whole yet. */
function unfinishedPrivateKey(fromBegin: string, findings: readonly Finding[], at: number): boolean {
  if (findings.some((finding) => finding.start <= at && finding.end > at)) return false;
  const header = /^-----BEGIN [^\n]*?-----/.exec(fromBegin);
  return header === null || header[0].includes("PRIVATE KEY");
}

/**
 * Output checks over one channel of a streamed response. Text goes out as soon as no finding can
 * still be forming in it: the unfinished last token (at most `window` characters) is held back, so
 * a secret split across deltas is seen whole before any of it is sent. Findings are redacted or,
 * for `block`, a GuardrailBlockedError is thrown before the offending text leaves.
 */
export class OutputScanner {
  private buffer = "";
  private sent = "";
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
    const hold = Math.max(unfinishedTail(this.buffer), this.detectors.holdBack);
    let cut = this.buffer.length - Math.min(this.window, hold);
    if (cut <= 0) return "";
    const findings = this.scan();
    for (const finding of findings) if (finding.start < cut && finding.end > cut) cut = finding.start;
    const pem = this.buffer.lastIndexOf("-----BEGIN");
    if (pem !== -1 && pem < cut && this.buffer.length - pem < MAX_PEM && unfinishedPrivateKey(this.buffer.slice(pem), findings, pem)) cut = pem;
    return this.emit(cut, findings);
  }

  flush(): string {
    if (!this.active || this.buffer.length === 0) return "";
    return this.emit(this.buffer.length, this.scan());
  }

  /** Findings in the held text (with the sent context before it); block throws here. */
  private scan(): Finding[] {
    const offset = this.sent.length;
    const findings: Finding[] = [];
    for (const finding of this.detectors.detect(this.sent + this.buffer, this.wanted)) {
      if (finding.start < offset) continue;
      if (this.policy.get(finding.category) === "block") {
        this.onAction(finding.category, "block");
        throw new GuardrailBlockedError(finding.category, "response");
      }
      findings.push({ ...finding, start: finding.start - offset, end: finding.end - offset });
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
    this.sent = (this.sent + this.buffer.slice(0, cut)).slice(-CONTEXT);
    this.buffer = this.buffer.slice(cut);
    return text;
  }
}
