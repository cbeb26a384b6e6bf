import { describe, expect, it } from "vitest";
import { credentialFromHeaders } from "../../src/gateway/auth.js";
import { seededRandom } from "../helpers/seeded-random.js";

/** The reading before the plain form was taken without the regular expression: the reference. */
function reference(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1];
  }
  const apiKey = headers["x-api-key"];
  return typeof apiKey === "string" ? apiKey : undefined;
}

const PREFIXES = ["Bearer ", "Bearer", "bearer ", "BEARER ", "Bearer  ", "Bearer\t", " Bearer ", "Bearer\u00a0", "Basic ", "", "Bearer \u3000"];
const PIECES = ["sk-", "abc", "0123", " ", "\t", "\u00a0", "\u0085", "\u2028", "\u2029", "\n", "\r", "\u000b", "\u0001", "\u3000", "\ufeff", "é", ".", "=", ""];

describe("credentialFromHeaders", () => {
  it("reads what the regular expression reads, for seeded random authorization headers", () => {
    const random = seededRandom(1703);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    let plain = 0;
    for (let round = 0; round < 20_000; round++) {
      const token = Array.from({ length: Math.floor(random() * 5) }, () => pick(PIECES)).join("");
      const headers: Record<string, string | undefined> = { authorization: pick(PREFIXES) + token };
      if (random() < 0.2) headers["x-api-key"] = "key-from-header";
      if (headers.authorization!.startsWith("Bearer ") && /^\S/.test(token)) plain++;
      expect(credentialFromHeaders(headers), JSON.stringify(headers)).toBe(reference(headers));
    }
    // Both readings were exercised: the plain form often, and the rest through the expression.
    expect(plain).toBeGreaterThan(1000);
  });

  it("takes the token of the usual form and the api key header", () => {
    expect(credentialFromHeaders({ authorization: "Bearer sk-abc" })).toBe("sk-abc");
    expect(credentialFromHeaders({ authorization: "bearer  sk-abc " })).toBe("sk-abc");
    // A line separator inside the token: the expression's `.` refuses it, so no credential.
    expect(credentialFromHeaders({ authorization: "Bearer sk-a\u2028b" })).toBeUndefined();
    expect(credentialFromHeaders({ authorization: "Basic abc", "x-api-key": "k" })).toBe("k");
    expect(credentialFromHeaders({})).toBeUndefined();
  });
});
