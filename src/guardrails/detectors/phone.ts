import { findPhoneNumbersInText, type CountryCode } from "libphonenumber-js/max";
import type { Detector, Finding } from "./types.js";

// A bare digit run is only a phone number when a phone word comes right before it;
// otherwise order numbers and ids would match.
const PHONE_CONTEXT = /(?:phone|tel|telephone|call|mobile|cell|fax|whatsapp|sms|text|dial|contact|number)\W{0,12}$/i;
const DIGITS = /\d[\d\s().-]{5,}\d/;

export interface PhoneDetectorOptions {
  /** Country for numbers written without a `+` prefix; none means only international numbers. */
  defaultCountry?: CountryCode;
}

export function createPhoneDetector(options: PhoneDetectorOptions = {}): Detector {
  return {
    category: "phone",
    mayMatch: (text) => DIGITS.test(text),
    detect(text) {
      const findings: Finding[] = [];
      const matches = findPhoneNumbersInText(text, { defaultCountry: options.defaultCountry });
      for (const match of matches) {
        let end = match.endsAt;
        const raw = text.slice(match.startsAt, end);
        // The finder can run on past a list separator ("+1 415-555-0100, 0049"): cut there.
        const comma = raw.search(/[,;]/);
        if (comma > 0) end = match.startsAt + raw.slice(0, comma).trimEnd().length;
        const value = text.slice(match.startsAt, end);
        const bare = /^\d+$/.test(value);
        if (bare && !PHONE_CONTEXT.test(text.slice(Math.max(0, match.startsAt - 40), match.startsAt))) continue;
        // Dates written with dots, dashes or slashes ("2024-03-15", "15.03.2024").
        if (/^(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$/.test(value)) continue;
        if (text[match.startsAt - 1] === "#") continue;
        findings.push({ category: "phone", start: match.startsAt, end });
      }
      return findings;
    },
  };
}
