import { createRequire } from "node:module";
import type { CountryCode } from "libphonenumber-js/max";
import type { Detector, Finding } from "./types.js";

// A bare digit run is only a phone number when a phone word comes right before it;
// otherwise order numbers and ids would match.
const PHONE_CONTEXT = /(?:phone|tel|telephone|call|mobile|cell|fax|whatsapp|sms|text|dial|contact|number)\W{0,12}$/i;
const DIGITS = /\d[\d\s().-]{5,}\d/;
// Runs of digits and phone punctuation: only these are handed to libphonenumber, whose matcher
// is far slower than a regex over the whole text.
const CANDIDATE = /(?<![\w.])(?:\+|\()?\d[\d \t()./-]{4,28}\d\)?(?![\w])/g;

const groups = (value: string) => (value.match(/\d+/g) ?? []).map((group) => group.length).join(",");

function sameGrouping(raw: string, national: string): boolean {
  // A leading trunk prefix ("0") may be written or left out.
  return groups(raw) === groups(national) || groups(raw) === groups(national.replace(/^0/, ""));
}

export interface PhoneDetectorOptions {
  /** Country for numbers written without a `+` prefix; none means only international numbers. */
  defaultCountry?: CountryCode;
  /**
   * Load and warm libphonenumber now (the default: guardrails scan clients' requests). `false` defers
   * it to the first text that may hold a number, for sets used only by admin work (datasets,
   * promotions), so a gateway without guardrails never holds its ~2 MB of heap.
   */
  warm?: boolean;
}

// libphonenumber-js and its metadata (several MB) load only when a phone detector is created or first used.
const require = createRequire(import.meta.url);
type FindPhoneNumbers = (typeof import("libphonenumber-js/max"))["findPhoneNumbersInText"];

export function createPhoneDetector(options: PhoneDetectorOptions = {}): Detector {
  let loaded: FindPhoneNumbers | undefined;
  const load = (): FindPhoneNumbers => {
    if (loaded) return loaded;
    const { findPhoneNumbersInText } = require("libphonenumber-js/max") as typeof import("libphonenumber-js/max");
    // libphonenumber compiles its metadata patterns lazily; the first calls cost tens of ms, so pay
    // that at startup rather than on a client's request.
    findPhoneNumbersInText("+1 415 555 2671, +44 20 7946 0958, (415) 555-2671", { defaultCountry: options.defaultCountry });
    return (loaded = findPhoneNumbersInText);
  };
  if (options.warm !== false) load();
  return {
    category: "phone",
    mayMatch: (text) => DIGITS.test(text),
    detect(text) {
      const findings: Finding[] = [];
      CANDIDATE.lastIndex = 0;
      for (let candidate = CANDIDATE.exec(text); candidate !== null; candidate = CANDIDATE.exec(text)) {
        if (!worthParsing(text, candidate[0], candidate.index, options.defaultCountry !== undefined)) continue;
        for (const found of load()(candidate[0], { defaultCountry: options.defaultCountry })) {
          const finding = accept(text, candidate.index + found.startsAt, candidate.index + found.endsAt, found.number.formatNational());
          if (finding) findings.push(finding);
        }
      }
      return findings;
    },
  };
}

/**
 * Cheap rejections before libphonenumber (which costs 0.2-0.8 ms a call): digit counts no phone
 * has, bare runs without a phone word before them, national numbers without a default country,
 * dates and dotted quads.
 */
function worthParsing(text: string, candidate: string, at: number, national: boolean): boolean {
  const digits = candidate.replace(/\D/g, "").length;
  // E.164 allows at most 15 digits; nothing shorter than 7 is a full number.
  if (digits < 7 || digits > 15) return false;
  const international = candidate.startsWith("+");
  if (!international && !national) return false;
  if (/^\d+$/.test(candidate) && !PHONE_CONTEXT.test(text.slice(Math.max(0, at - 40), at))) return false;
  if (/^\d{4}-\d{2}-\d{2}\b/.test(candidate) || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(candidate)) return false;
  return true;
}

/** The checks libphonenumber does not make: context for bare digits, dates, grouping, addresses. */
function accept(text: string, startsAt: number, endsAt: number, national: string): Finding | undefined {
  let end = endsAt;
  // The finder can run on past a list separator ("+1 415-555-0100, 0049"): cut there.
  const comma = text.slice(startsAt, end).search(/[,;]/);
  if (comma > 0) end = startsAt + text.slice(startsAt, startsAt + comma).trimEnd().length;
  const value = text.slice(startsAt, end);
  const bare = /^\d+$/.test(value);
  if (bare && !PHONE_CONTEXT.test(text.slice(Math.max(0, startsAt - 40), startsAt))) return undefined;
  // Dates written with dots, dashes or slashes ("2024-03-15", "15.03.2024").
  if (/^(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$/.test(value)) return undefined;
  if (text[startsAt - 1] === "#") return undefined;
  // A national number grouped unlike the country's own format ("4428 8378 57" for a US
  // number) is some other figure; libphonenumber-js has no strict-grouping leniency.
  if (!bare && !value.startsWith("+") && !sameGrouping(value, national)) return undefined;
  // Dotted quads are addresses, not phone numbers.
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(value)) return undefined;
  return { category: "phone", start: startsAt, end };
}
