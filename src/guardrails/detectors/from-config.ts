import type { CountryCode } from "libphonenumber-js/max";
import type { GuardrailsConfig } from "../config.js";
import { DetectorSet } from "./index.js";

/**
 * The detectors a `guardrails.detectors` section describes (built-ins plus its custom ones); defaults
 * without one. `warm: false` defers heavy libraries to first use (see DetectorSetOptions).
 */
export function detectorSetFromConfig(detectors: GuardrailsConfig["detectors"] | undefined, options: { warm?: boolean } = {}): DetectorSet {
  if (!detectors) return new DetectorSet({ warm: options.warm });
  return new DetectorSet({
    warm: options.warm,
    phoneDefaultCountry: detectors.phone_default_country as CountryCode | undefined,
    custom: Object.fromEntries(
      Object.entries(detectors.custom).map(([name, spec]) => [name, { terms: spec.terms, patterns: spec.patterns, caseSensitive: spec.case_sensitive }]),
    ),
  });
}
