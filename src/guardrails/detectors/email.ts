import { scanRegex, type Detector } from "./types.js";

// Local part and domain per the common (not full RFC 5322) grammar; the TLD must be letters.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

export const emailDetector: Detector = {
  category: "email",
  mayMatch: (text) => text.includes("@"),
  detect: (text) => scanRegex(text, EMAIL, "email", (match) => !match[0].includes("..")),
};
