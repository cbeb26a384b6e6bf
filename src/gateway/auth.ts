import type { Principal } from "./context.js";

/** Turns the caller's credential (bearer token or x-api-key) into a Principal, or throws 401. */
export interface Authenticator {
  authenticate(credential: string | undefined): Principal | Promise<Principal>;
}

/** Reads the credential from `Authorization: Bearer` or `x-api-key`. */
export function credentialFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1];
  }
  const apiKey = headers["x-api-key"];
  return typeof apiKey === "string" ? apiKey : undefined;
}
