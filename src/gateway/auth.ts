import type { Principal } from "./context.js";

/** Turns the caller's credential (bearer token or x-api-key) into a Principal, or throws 401. */
export interface Authenticator {
  authenticate(credential: string | undefined): Principal | Promise<Principal>;
}

/** Reads the credential from `Authorization: Bearer` or `x-api-key`. */
export function credentialFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    // The usual form, `Bearer <token>` with nothing around the token, without the trim and the
    // regular expression: what they would give for it (checked by test/gateway/auth.test.ts).
    if (plainBearer(authorization)) return authorization.slice(7);
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1];
  }
  const apiKey = headers["x-api-key"];
  return typeof apiKey === "string" ? apiKey : undefined;
}

/**
 * `Bearer ` then a token that begins and ends with no space the regular expression's `\s` or
 * `trim` would take (anything beyond Latin-1 counts as one) and holds no character `.` refuses.
 */
function plainBearer(value: string): boolean {
  return (
    value.length > 7 &&
    value.startsWith("Bearer ") &&
    !mayBeSpace(value.charCodeAt(7)) &&
    !mayBeSpace(value.charCodeAt(value.length - 1)) &&
    value.indexOf("\n") < 0 &&
    value.indexOf("\r") < 0 &&
    value.indexOf("\u2028") < 0 &&
    value.indexOf("\u2029") < 0
  );
}

function mayBeSpace(code: number): boolean {
  return code <= 0x20 || code === 0xa0 || code > 0xff;
}
