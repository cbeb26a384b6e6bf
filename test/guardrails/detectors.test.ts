import { describe, expect, it } from "vitest";
import { DetectorSet } from "../../src/guardrails/detectors/index.js";
import { luhnValid, ibanChecksumValid } from "../../src/guardrails/detectors/checksums.js";
import { looksRandom } from "../../src/guardrails/detectors/high-entropy.js";

const detectors = new DetectorSet({ phoneDefaultCountry: "US" });
const found = (text: string) => detectors.detect(text).map((finding) => [finding.category, text.slice(finding.start, finding.end)]);
const categories = (text: string) => detectors.detect(text).map((finding) => finding.category);

describe("detectors: personal data", () => {
  it("finds emails but not handles or versions", () => {
    expect(found("mail jane.o'neil+tag@mail.example.co.uk today")).toEqual([["email", "neil+tag@mail.example.co.uk"]]);
    expect(found("write to a.b-c@example.org.")).toEqual([["email", "a.b-c@example.org"]]);
    expect(categories("@alice said pkg@1.2.3 and user@localhost")).toEqual([]);
  });

  it("finds phone numbers in international and national formats", () => {
    expect(found("call +44 20 7946 0958 now")).toEqual([["phone", "+44 20 7946 0958"]]);
    expect(found("or +33 6 12 34 56 78")).toEqual([["phone", "+33 6 12 34 56 78"]]);
    expect(found("office (415) 555-2671")).toEqual([["phone", "(415) 555-2671"]]);
    expect(found("+1 415-555-0100, then")).toEqual([["phone", "+1 415-555-0100"]]);
    expect(found("phone: 4155552671")).toEqual([["phone", "4155552671"]]);
  });

  it("does not take order numbers, dates or bare digit runs for phones", () => {
    expect(categories("order 4155552671 shipped")).toEqual([]);
    expect(categories("ticket #4155552671")).toEqual([]);
    expect(categories("on 2024-03-15 at 10:30")).toEqual([]);
    expect(categories("invoice 20240315")).toEqual([]);
  });

  it("only takes international numbers when no default country is set", () => {
    const international = new DetectorSet();
    expect(international.detect("(415) 555-2671").length).toBe(0);
    expect(international.detect("+1 415 555 2671").map((finding) => finding.category)).toEqual(["phone"]);
  });

  it("finds the same phone numbers when the phone library loads on first use (warm: false)", () => {
    const deferred = new DetectorSet({ phoneDefaultCountry: "US", warm: false });
    const text = "call +44 20 7946 0958 or office (415) 555-2671, order 12345678";
    expect(deferred.detect("no digits here")).toEqual([]);
    expect(deferred.detect(text)).toEqual(detectors.detect(text));
    expect(deferred.detect(text).map((finding) => text.slice(finding.start, finding.end))).toEqual(["+44 20 7946 0958", "(415) 555-2671"]);
  });

  it("finds credit cards that pass Luhn and have a known issuer", () => {
    expect(found("card 4111 1111 1111 1111 exp")).toEqual([["credit_card", "4111 1111 1111 1111"]]);
    expect(found("amex 3782-822463-10005")).toEqual([["credit_card", "3782-822463-10005"]]);
    expect(found("mc 5555555555554444")).toEqual([["credit_card", "5555555555554444"]]);
    expect(categories("4111 1111 1111 1112")).toEqual([]); // fails Luhn
    expect(categories("1234 5678 9012 3452")).toEqual([]); // Luhn-valid, no issuer
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
  });

  it("finds IBANs that pass mod-97 and the country length", () => {
    expect(found("IBAN DE89 3704 0044 0532 0130 00.")).toEqual([["iban", "DE89 3704 0044 0532 0130 00"]]);
    expect(found("GB82WEST12345698765432")).toEqual([["iban", "GB82WEST12345698765432"]]);
    expect(categories("DE88 3704 0044 0532 0130 00")).toEqual([]);
    expect(ibanChecksumValid("FR1420041010050500013M02606")).toBe(true);
  });

  it("finds US SSNs that the SSA could issue", () => {
    expect(found("SSN 536-22-1234")).toEqual([["us_ssn", "536-22-1234"]]);
    expect(found("ssn: 536221234")).toEqual([["us_ssn", "536221234"]]);
    for (const invalid of ["000-12-3456", "666-12-3456", "912-12-3456", "536-00-1234", "536-22-0000", "078-05-1120"]) {
      expect(categories(invalid), invalid).toEqual([]);
    }
    expect(categories("536221234")).toEqual([]); // bare nine digits without a label
  });

  it("finds IPv4 and IPv6 but not versions or times", () => {
    expect(found("host 10.0.0.1 and fe80::1ff:fe23:4567:890a")).toEqual([
      ["ip_address", "10.0.0.1"],
      ["ip_address", "fe80::1ff:fe23:4567:890a"],
    ]);
    expect(found("loopback ::1")).toEqual([["ip_address", "::1"]]);
    expect(categories("version 1.2.3.4, v10.0.0.1, 1.2.3.4.5, 999.1.1.1, 12:30:45, std::vector")).toEqual([]);
  });

  it("finds only the credential part of a URL", () => {
    expect(found("postgres://admin:s3cr3t@db.internal:5432/app")).toEqual([["url_credentials", "admin:s3cr3t"]]);
    expect(categories("https://example.com/a:b@c")).toEqual([]);
  });
});

describe("detectors: secrets", () => {
  const keys: Array<[string, string]> = [
    ["OpenAI", "sk-proj-" + "Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0n"],
    ["Anthropic", "sk-ant-api03-" + "a".repeat(40) + "B".repeat(40) + "1234567890AA"],
    ["AWS access key", "AKIAIOSFODNN7EXAMPLE"],
    ["AWS STS key", "ASIAY34FZKBOKMUTVV7A"],
    ["GitHub classic", "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"],
    ["GitHub fine-grained", "github_pat_" + "11ABCDEFG0" + "x".repeat(72)],
    ["Slack", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"],
    ["Google", "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"],
    ["Stripe", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"],
  ];
  for (const [name, key] of keys) {
    it(`finds a ${name} key`, () => {
      expect(found(`key=${key} end`)).toEqual([["api_key", key]]);
    });
  }

  it("finds an AWS secret access key next to its label", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    expect(found(`aws_secret_access_key = ${secret}`)).toEqual([["api_key", secret]]);
  });

  it("finds PEM private keys and JWTs as one span each", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx3\nabc+/=\n-----END RSA PRIVATE KEY-----";
    expect(found(`here:\n${pem}\nthanks`)).toEqual([["private_key", pem]]);
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    expect(found(`Bearer ${jwt}`)).toEqual([["jwt", jwt]]);
    expect(categories("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")).toEqual([]);
  });

  it("flags random tokens but not hashes, UUIDs or identifiers", () => {
    expect(looksRandom("Zx9Kq2LmP7vR4tY8wN3bC6dF1gH5jS0a")).toBe(true);
    expect(looksRandom("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")).toBe(false);
    expect(looksRandom("123e4567-e89b-12d3-a456-426614174000")).toBe(false);
    expect(looksRandom("getUserAccountByIdentifier2024")).toBe(false);
    expect(looksRandom("src/components/UserProfile2.tsx")).toBe(false);
    expect(categories("token Zx9Kq2LmP7vR4tY8wN3bC6dF1gH5jS0a")).toEqual(["high_entropy"]);
  });

  it("resolves overlaps by priority: a JWT is not also high-entropy text", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    expect(categories(jwt)).toEqual(["jwt"]);
    expect(categories("https://bob:hunter2@mail.example.com")).toEqual(["url_credentials"]);
  });
});

describe("custom detectors", () => {
  it("match deny-list terms on word boundaries and regexes", () => {
    const custom = new DetectorSet({ custom: { codename: { terms: ["Bluebird", "Project X"], patterns: ["PRJ-\\d{4}"] } } });
    const text = "project x and bluebirds, Bluebird, PRJ-1234";
    expect(custom.detect(text).map((finding) => [finding.category, text.slice(finding.start, finding.end)])).toEqual([
      ["codename", "project x"],
      ["codename", "Bluebird"],
      ["codename", "PRJ-1234"],
    ]);
  });

  it("restricts scanning to the wanted categories", () => {
    expect(detectors.detect("a@example.com 10.0.0.1", new Set(["ip_address"])).map((finding) => finding.category)).toEqual(["ip_address"]);
  });
});
