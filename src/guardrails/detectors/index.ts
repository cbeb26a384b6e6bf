import type { CountryCode } from "libphonenumber-js/max";
import { creditCardDetector } from "./credit-card.js";
import { createCustomDetector, type CustomDetectorSpec } from "./custom.js";
import { emailDetector } from "./email.js";
import { highEntropyDetector } from "./high-entropy.js";
import { ibanDetector } from "./iban.js";
import { ipAddressDetector } from "./ip-address.js";
import { createPhoneDetector } from "./phone.js";
import { apiKeyDetector, jwtDetector, privateKeyDetector } from "./secrets.js";
import { builtinCategories, type Category, type Detector, type Finding } from "./types.js";
import { urlCredentialsDetector } from "./url-credentials.js";
import { usSsnDetector } from "./us-ssn.js";

export type { Category, Detector, Finding } from "./types.js";
export { builtinCategories, isBuiltinCategory } from "./types.js";

export interface DetectorSetOptions {
  phoneDefaultCountry?: CountryCode;
  /** `false`: detectors with a heavy library (phone) load it on first use, not now (see PhoneDetectorOptions). */
  warm?: boolean;
  custom?: Record<string, CustomDetectorSpec>;
}

/**
 * All detectors in priority order: when two findings overlap, the one from the earlier detector
 * wins (a JWT is not also reported as high-entropy text, a URL's password not as an email).
 */
export class DetectorSet {
  private readonly detectors: Detector[];
  private readonly priority = new Map<Category, number>();

  constructor(options: DetectorSetOptions = {}) {
    const builtins: Record<(typeof builtinCategories)[number], Detector> = {
      private_key: privateKeyDetector,
      jwt: jwtDetector,
      url_credentials: urlCredentialsDetector,
      api_key: apiKeyDetector,
      email: emailDetector,
      iban: ibanDetector,
      credit_card: creditCardDetector,
      us_ssn: usSsnDetector,
      phone: createPhoneDetector({ defaultCountry: options.phoneDefaultCountry, warm: options.warm }),
      ip_address: ipAddressDetector,
      high_entropy: highEntropyDetector,
    };
    const custom = Object.entries(options.custom ?? {}).map(([name, spec]) => createCustomDetector(name, spec));
    // Custom detectors come first: an operator's explicit deny-list outranks a generic guess.
    this.detectors = [...custom, ...builtinCategories.map((category) => builtins[category])];
    this.detectors.forEach((detector, index) => this.priority.set(detector.category, index));
    this.holdBack = Math.max(0, ...this.detectors.map((detector) => detector.holdBack ?? 0));
  }

  /** The longest span a streaming scanner must hold back beyond the unfinished token. */
  readonly holdBack: number;

  get categories(): Category[] {
    return this.detectors.map((detector) => detector.category);
  }

  /** Non-overlapping findings for the wanted categories (all when omitted), sorted by position. */
  detect(text: string, wanted?: ReadonlySet<Category>): Finding[] {
    if (text.length === 0) return [];
    const found: Finding[] = [];
    for (const detector of this.detectors) {
      if (wanted && !wanted.has(detector.category)) continue;
      if (detector.mayMatch && !detector.mayMatch(text)) continue;
      found.push(...detector.detect(text));
    }
    if (found.length <= 1) return found;
    found.sort((a, b) => this.rank(a) - this.rank(b) || a.start - b.start);
    const kept: Finding[] = [];
    for (const finding of found) {
      if (!kept.some((other) => finding.start < other.end && other.start < finding.end)) kept.push(finding);
    }
    return kept.sort((a, b) => a.start - b.start);
  }

  private rank(finding: Finding): number {
    return this.priority.get(finding.category) ?? Number.MAX_SAFE_INTEGER;
  }
}
