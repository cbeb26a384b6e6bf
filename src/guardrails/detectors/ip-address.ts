import { isIPv6 } from "node:net";
import { scanRegex, type Detector } from "./types.js";

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
// Not part of a longer dotted run (version strings like 1.2.3.4.5) and not after a letter (v1.2.3.4).
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, "g");
const IPV6_CANDIDATE = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/g;

// "version 1.2.3.4", "v 10.0.0.1": a four-part version, not an address.
const VERSION_CONTEXT = /\b(?:version|ver|v|release|build|firmware)\.?\s*$/i;

// A regex that opens with a lookbehind gets no fast first-character scan; test for the shape first.
const MAY_MATCH = /\d\.\d|[0-9A-Fa-f]?::?[0-9A-Fa-f]/;

export const ipAddressDetector: Detector = {
  category: "ip_address",
  mayMatch: (text) => MAY_MATCH.test(text),
  detect(text) {
    const findings = scanRegex(
      text,
      IPV4,
      "ip_address",
      (match) => !VERSION_CONTEXT.test(text.slice(Math.max(0, match.index - 12), match.index)),
    );
    if (text.includes(":")) {
      findings.push(
        ...scanRegex(text, IPV6_CANDIDATE, "ip_address", (match) => {
          const value = match[0];
          // "::" alone and times such as 12:30:45 are not addresses.
          return value.length > 2 && /[0-9A-Fa-f]/.test(value) && isIPv6(value);
        }),
      );
    }
    return findings;
  },
};
