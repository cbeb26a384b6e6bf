import { scanRegex, type Detector } from "./types.js";

// scheme://user:password@host — the finding is the `user:password` part, so the URL stays readable.
const URL_WITH_CREDENTIALS = /\b[a-z][a-z0-9+.-]{1,15}:\/\/([^\s/:@]{1,128}:[^\s/@]{1,256})@[^\s/@]/gi;

export const urlCredentialsDetector: Detector = {
  category: "url_credentials",
  mayMatch: (text) => text.includes("://"),
  detect: (text) => scanRegex(text, URL_WITH_CREDENTIALS, "url_credentials", () => true, 1),
};
