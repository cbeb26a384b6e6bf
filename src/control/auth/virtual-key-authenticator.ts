import { createHash, timingSafeEqual } from "node:crypto";
import { SwitchyardError } from "../../core/errors.js";
import type { Authenticator } from "../../gateway/auth.js";
import type { Principal } from "../../gateway/context.js";
import { KeyDigests } from "../../gateway/key-digests.js";
import { looksLikeVirtualKey } from "../keys/key-secret.js";
import type { KeyDirectory, KeyGrant } from "./key-directory.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

const ANONYMOUS: Principal = Object.freeze({ keyId: "anonymous" });
const MASTER: Principal = Object.freeze({ keyId: "master" });

export function principalFor(grant: KeyGrant): Principal {
  return {
    keyId: grant.key.id,
    projectId: grant.project.id,
    role: grant.key.role,
    allowedModels: grant.key.allowedModels,
    metadata: { ...grant.key.metadata, keyName: grant.key.name, tags: grant.key.tags },
  };
}

/**
 * Accepts the master key and virtual keys. Without a master key, callers without a credential
 * are `anonymous` (the server then listens on loopback only); virtual keys still work.
 */
export function createVirtualKeyAuthenticator(masterKey: string | undefined, directory: KeyDirectory, digests = new KeyDigests()): Authenticator {
  const master = masterKey === undefined ? undefined : digest(masterKey);
  const refuse = (credential: string, message: string) => {
    digests.refuse(credential);
    return new SwitchyardError("SWY_ERR_UNAUTHORIZED", message);
  };
  return {
    async authenticate(credential) {
      if (credential === undefined || credential === "") {
        if (master === undefined) return ANONYMOUS;
        throw new SwitchyardError("SWY_ERR_UNAUTHORIZED", "Missing API key. Send 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
      }
      const hashed = digests.digest(credential);
      if (master !== undefined && timingSafeEqual(hashed, master)) {
        digests.accept(credential, hashed);
        return MASTER;
      }
      if (!looksLikeVirtualKey(credential)) {
        if (master === undefined) return ANONYMOUS;
        throw refuse(credential, "Invalid API key.");
      }
      const grant = await directory.lookup(credential, hashed);
      if (!grant) throw refuse(credential, "Invalid API key.");
      if (grant.key.revokedAt !== undefined) throw refuse(credential, "This API key has been revoked.");
      if (grant.key.expiresAt !== undefined && grant.key.expiresAt <= Date.now()) throw refuse(credential, "This API key has expired.");
      digests.accept(credential, hashed);
      return principalFor(grant);
    },
  };
}
