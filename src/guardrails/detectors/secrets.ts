import { scanRegex, type Detector, type Finding } from "./types.js";

/**
 * API keys and tokens with documented, prefix-based formats. Each is specific enough that a match
 * is a secret with near certainty; generic secrets are left to the entropy detector.
 */
const KEY_PATTERNS: Array<[hint: string | RegExp, pattern: RegExp]> = [
  ["sk-ant-", /(?<![\w-])sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,120}(?![\w-])/g], // Anthropic
  ["sk-", /(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}(?![\w-])/g], // OpenAI
  [/AKIA|ASIA|ABIA|ACCA/, /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g], // AWS access key id
  [/gh[pousr]_/, /(?<![\w])gh[pousr]_[A-Za-z0-9]{36,255}(?![\w])/g], // GitHub tokens
  ["github_pat_", /(?<![\w])github_pat_[A-Za-z0-9_]{60,255}(?![\w])/g], // GitHub fine-grained
  ["xox", /(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,250}(?![\w-])/g], // Slack
  ["xapp-", /(?<![\w-])xapp-\d-[A-Za-z0-9-]{10,250}(?![\w-])/g], // Slack app-level
  ["AIza", /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g], // Google API key
  ["k_", /(?<![\w])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{20,247}(?![\w])/g], // Stripe secret / restricted
  ["whsec_", /(?<![\w])whsec_[0-9A-Za-z+/]{24,}(?![\w])/g], // Stripe webhook secret
  ["glpat-", /(?<![\w-])glpat-[A-Za-z0-9_-]{20,}(?![\w-])/g], // GitLab
  ["hf_", /(?<![\w])hf_[A-Za-z]{30,40}(?![\w])/g], // Hugging Face
  ["npm_", /(?<![\w])npm_[A-Za-z0-9]{36}(?![\w])/g], // npm
  ["SG.", /(?<![\w-])SG\.[\w-]{22}\.[\w-]{43}(?![\w-])/g], // SendGrid
];
const AWS_HINT = /aws|secret/i;

// An AWS secret access key is 40 base64 characters: only taken next to an AWS/secret label.
const AWS_SECRET = /(?:aws|secret)[\w ."'-]{0,30}?[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;

const PRIVATE_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]{1,16384}?-----END \1PRIVATE KEY\2-----/g;

// header.payload.signature where header and payload are base64url JSON objects (they begin `{"` = `eyJ`).
const JWT = /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}(?![\w-])/g;

export const apiKeyDetector: Detector = {
  category: "api_key",
  detect(text) {
    const findings: Finding[] = [];
    // Each pattern runs only when its literal prefix occurs: most text has none of them.
    for (const [hint, pattern] of KEY_PATTERNS) {
      if (typeof hint === "string" ? text.includes(hint) : hint.test(text)) findings.push(...scanRegex(text, pattern, "api_key"));
    }
    if (AWS_HINT.test(text)) findings.push(...scanRegex(text, AWS_SECRET, "api_key", (match) => /[A-Z]/.test(match[1]!) && /\d/.test(match[1]!), 1));
    return findings;
  },
};

export const privateKeyDetector: Detector = {
  category: "private_key",
  mayMatch: (text) => text.includes("PRIVATE KEY"),
  detect: (text) => scanRegex(text, PRIVATE_KEY, "private_key"),
};

export const jwtDetector: Detector = {
  category: "jwt",
  mayMatch: (text) => text.includes("eyJ"),
  detect: (text) => scanRegex(text, JWT, "jwt"),
};
