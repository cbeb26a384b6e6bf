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
 * One principal per grant: a grant is a new object whenever the directory reads the key again, so
 * the principal follows every change; nothing writes to a principal (limits replace it to add the budget).
 */
const principals = new WeakMap<KeyGrant, Principal>();

function principalOf(grant: KeyGrant): Principal {
  let principal = principals.get(grant);
  if (!principal) {
    principal = principalFor(grant);
    // Its metadata frozen: a write meant for one request would otherwise reach every request of the key. The
    // principal itself is not (limits copy it with `{ ...principal, budget }`, which V8 does slowly for a frozen object).
    if (principal.metadata) Object.freeze(principal.metadata);
    principals.set(grant, principal);
  }
  return principal;
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
  const admit = (credential: string, hashed: Buffer, grant: KeyGrant | undefined): Principal => {
    if (!grant) throw refuse(credential, "Invalid API key.");
    if (grant.key.revokedAt !== undefined) throw refuse(credential, "This API key has been revoked.");
    if (grant.key.expiresAt !== undefined && grant.key.expiresAt <= Date.now()) throw refuse(credential, "This API key has expired.");
    digests.accept(credential, hashed);
    return principalOf(grant);
  };
  return {
    // Answered without a promise when everything is in memory (the master key, a cached grant), so
    // the caller reads it in the same turn; a refusal is always a rejected promise, as from an async function.
    authenticate(credential) {
      try {
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
        // A cached grant is read without a turn of the event loop; the cache's period and invalidation are the lookup's.
        const cached = directory.cached(hashed);
        if (cached !== undefined) return admit(credential, hashed, cached.grant);
        return directory.lookup(credential, hashed).then((grant) => admit(credential, hashed, grant));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
