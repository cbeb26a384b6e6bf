import { createHash, timingSafeEqual } from "node:crypto";
import { SwitchyardError } from "../core/errors.js";
import type { Principal } from "./context.js";

/** Turns the caller's credential (bearer token or x-api-key) into a Principal, or throws 401. */
export interface Authenticator {
  authenticate(credential: string | undefined): Principal | Promise<Principal>;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The master-key authenticator: no key configured means every caller is `anonymous`. */
export function createMasterKeyAuthenticator(masterKey: string | undefined): Authenticator {
  const anonymous: Principal = Object.freeze({ keyId: "anonymous" });
  const master: Principal = Object.freeze({ keyId: "master" });
  if (masterKey === undefined) return { authenticate: () => anonymous };
  const expected = digest(masterKey);
  return {
    authenticate(credential) {
      if (credential === undefined || credential === "") {
        throw new SwitchyardError("SWY_ERR_UNAUTHORIZED", "Missing API key. Send 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
      }
      if (!timingSafeEqual(digest(credential), expected)) {
        throw new SwitchyardError("SWY_ERR_UNAUTHORIZED", "Invalid API key.");
      }
      return master;
    },
  };
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
