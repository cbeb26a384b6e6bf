import { SwitchyardError } from "../core/errors.js";
import type { KeyDirectory } from "../control/auth/key-directory.js";
import { principalFor } from "../control/auth/virtual-key-authenticator.js";
import type { Principal } from "../gateway/context.js";

/**
 * The principal a batch runs as: the key that created it, read afresh (at most every `refreshMs`),
 * so a key revoked or expired while its batch runs stops it, and its current limits and budget apply.
 */
export class BatchPrincipals {
  private readonly cached = new Map<string, { principal: Principal; at: number }>();

  constructor(
    private readonly directory: KeyDirectory,
    private readonly refreshMs = 5000,
  ) {}

  async of(keyId: string): Promise<Principal> {
    if (keyId === "master" || keyId === "anonymous") return { keyId };
    const hit = this.cached.get(keyId);
    if (hit && Date.now() - hit.at < this.refreshMs) return hit.principal;
    const grant = await this.directory.grantById(keyId);
    if (!grant) throw new SwitchyardError("SWY_ERR_UNAUTHORIZED", "The API key that created this batch no longer exists.");
    if (grant.key.revokedAt !== undefined) throw new SwitchyardError("SWY_ERR_UNAUTHORIZED", "The API key that created this batch has been revoked.");
    if (grant.key.expiresAt !== undefined && grant.key.expiresAt <= Date.now()) throw new SwitchyardError("SWY_ERR_UNAUTHORIZED", "The API key that created this batch has expired.");
    const principal = principalFor(grant);
    this.cached.set(keyId, { principal, at: Date.now() });
    return principal;
  }
}
