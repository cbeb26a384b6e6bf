import { isValidPhoneNumber, parsePhoneNumber, type CountryCode } from "libphonenumber-js/max";
import { luhnValid } from "../../src/guardrails/detectors/checksums.js";

/** A small seeded PRNG (mulberry32), so every run builds the same test set. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const chars = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[int(0, alphabet.length - 1)]).join("");
  return { next, int, pick, chars };
}

export type Random = ReturnType<typeof createRandom>;

const DIGITS = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const BASE62 = DIGITS + LOWER + UPPER;
const BASE64URL = BASE62 + "-_";
const HEX = "0123456789abcdef";

const FIRST = ["alice", "bob", "carol", "dmitri", "eve", "fatima", "gustavo", "hana", "ivan", "jun", "kwame", "lena"];
const LAST = ["smith", "garcia", "nguyen", "muller", "rossi", "kowalski", "tanaka", "okafor", "dubois", "silva"];
const DOMAINS = ["example.com", "mail.example.org", "corp.example.co.uk", "example.de", "uni-example.edu", "example.io"];

export function email(random: Random): string {
  const separator = random.pick([".", "_", "", "-"]);
  const tag = random.next() < 0.2 ? `+${random.pick(["news", "work", "x1"])}` : "";
  return `${random.pick(FIRST)}${separator}${random.pick(LAST)}${random.next() < 0.3 ? random.int(1, 99) : ""}${tag}@${random.pick(DOMAINS)}`;
}

const PHONE_COUNTRIES: CountryCode[] = ["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU", "ES", "NL"];

/** A valid number for a random country, written internationally (or nationally for the US). */
export function phone(random: Random): string {
  for (;;) {
    const country = random.pick(PHONE_COUNTRIES);
    const national = random.chars(DIGITS, random.int(9, 11)).replace(/^0/, String(random.int(2, 9)));
    if (!isValidPhoneNumber(national, country)) continue;
    const parsed = parsePhoneNumber(national, country);
    return country === "US" && random.next() < 0.5 ? parsed.formatNational() : parsed.formatInternational();
  }
}

export function creditCard(random: Random): string {
  const prefix = random.pick(["4", "51", "55", "2221", "34", "37", "6011", "3530"]);
  const length = prefix === "34" || prefix === "37" ? 15 : 16;
  let body = prefix + random.chars(DIGITS, length - prefix.length - 1);
  for (let check = 0; check <= 9; check++) {
    if (luhnValid(body + check)) {
      body += check;
      break;
    }
  }
  const separator = random.pick([" ", "-", ""]);
  if (length === 15) return [body.slice(0, 4), body.slice(4, 10), body.slice(10)].join(separator);
  return body.match(/.{4}/g)!.join(separator);
}

/** Luhn-invalid 16-digit numbers that look like cards. */
export function notACard(random: Random): string {
  const digits = "4" + random.chars(DIGITS, 15);
  const fixed = luhnValid(digits) ? digits.slice(0, 15) + ((Number(digits[15]) + 1) % 10) : digits;
  return fixed.match(/.{4}/g)!.join(" ");
}

const IBAN_FORMATS: Record<string, number> = { DE: 22, GB: 22, FR: 27, ES: 24, NL: 18, IT: 27, BE: 16, CH: 21 };

function mod97(value: string): number {
  let remainder = 0;
  for (const char of value) remainder = (remainder * 10 + Number(char)) % 97;
  return remainder;
}

export function iban(random: Random, valid = true): string {
  const country = random.pick(Object.keys(IBAN_FORMATS));
  const bban = country === "GB" || country === "NL" ? random.chars(UPPER, 4) + random.chars(DIGITS, IBAN_FORMATS[country]! - 8) : random.chars(DIGITS, IBAN_FORMATS[country]! - 4);
  const numeric = (bban + country + "00").replace(/[A-Z]/g, (char) => String(char.charCodeAt(0) - 55));
  let check = 98 - mod97(numeric);
  if (!valid) check = (check % 97) + 1;
  const compact = `${country}${String(check).padStart(2, "0")}${bban}`;
  return random.next() < 0.5 ? compact : compact.match(/.{1,4}/g)!.join(" ");
}

export function ssn(random: Random): string {
  let area = random.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, "0")}-${String(random.int(1, 99)).padStart(2, "0")}-${String(random.int(1, 9999)).padStart(4, "0")}`;
}

export function invalidSsn(random: Random): string {
  return `${random.pick(["000", "666", "9" + random.chars(DIGITS, 2)])}-${String(random.int(1, 99)).padStart(2, "0")}-${String(random.int(1, 9999)).padStart(4, "0")}`;
}

export function ipAddress(random: Random): string {
  if (random.next() < 0.7) return Array.from({ length: 4 }, () => random.int(1, 254)).join(".");
  const groups = Array.from({ length: 8 }, () => random.int(0, 0xffff).toString(16));
  return random.next() < 0.5 ? groups.join(":") : `${groups.slice(0, 3).join(":")}::${groups[7]}`;
}

export function urlCredentials(random: Random): { text: string; start: number; end: number } {
  const user = random.pick(["admin", "deploy", "svc_app", "root"]);
  const password = random.chars(BASE62 + "!$%*", random.int(8, 16));
  const prefix = `${random.pick(["postgres", "https", "redis", "mongodb", "ftp"])}://`;
  return { text: `${prefix}${user}:${password}@${random.pick(["db.internal", "db-1.example.com", "cache.example.net"])}:${random.int(1000, 9999)}/app`, start: prefix.length, end: prefix.length + user.length + 1 + password.length };
}

export function apiKey(random: Random): string {
  switch (random.int(0, 8)) {
    case 0:
      return `sk-proj-${random.chars(BASE64URL, 48)}`;
    case 1:
      return `sk-ant-api03-${random.chars(BASE64URL, 93)}AA`;
    case 2:
      return `${random.pick(["AKIA", "ASIA"])}${random.chars(UPPER + DIGITS, 16)}`;
    case 3:
      return `ghp_${random.chars(BASE62, 36)}`;
    case 4:
      return `github_pat_${random.chars(BASE62, 22)}_${random.chars(BASE62, 59)}`;
    case 5:
      return `xoxb-${random.chars(DIGITS, 12)}-${random.chars(DIGITS, 13)}-${random.chars(BASE62, 24)}`;
    case 6:
      return `AIza${random.chars(BASE64URL, 35)}`;
    case 7:
      return `sk_live_${random.chars(BASE62, 24)}`;
    default:
      return `glpat-${random.chars(BASE62, 20)}`;
  }
}

export function privateKey(random: Random): string {
  const kind = random.pick(["RSA ", "EC ", "", "OPENSSH "]);
  const lines = Array.from({ length: random.int(3, 8) }, () => random.chars(BASE62 + "+/", 64));
  return `-----BEGIN ${kind}PRIVATE KEY-----\n${lines.join("\n")}\n-----END ${kind}PRIVATE KEY-----`;
}

const base64url = (value: string) => Buffer.from(value).toString("base64url");

export function jwt(random: Random): string {
  const header = base64url(JSON.stringify({ alg: random.pick(["HS256", "RS256"]), typ: "JWT" }));
  const payload = base64url(JSON.stringify({ sub: random.chars(DIGITS, 8), name: random.pick(FIRST), iat: random.int(1.6e9, 1.8e9) }));
  return `${header}.${payload}.${random.chars(BASE64URL, 43)}`;
}

export function highEntropy(random: Random): string {
  for (;;) {
    const token = random.chars(BASE62, random.int(24, 40));
    if (/[A-Z].*[A-Z]/.test(token) && /\d.*\d/.test(token) && /[a-z].*[a-z]/.test(token)) return token;
  }
}

export const hex = (random: Random, length: number) => random.chars(HEX, length);
export const uuid = (random: Random) => `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
export { DIGITS, BASE62, LOWER, UPPER };
