import { createHash } from "node:crypto";
import type { KeyStore, VirtualKey } from "../keys/key-store.js";
import type { Project, ProjectStore } from "../projects/project-store.js";

export interface KeyGrant {
  key: VirtualKey;
  project: Project;
}

/**
 * Hex digests by digest buffer: the buffers of busy keys are the same objects from request to request
 * (src/gateway/key-digests.ts keeps them), so each is written out in hex once.
 */
const hexes = new WeakMap<Buffer, string>();

function hexOf(digest: Buffer): string {
  let hex = hexes.get(digest);
  if (hex === undefined) {
    hex = digest.toString("hex");
    hexes.set(digest, hex);
  }
  return hex;
}

interface Cached {
  grant: KeyGrant | undefined;
  expires: number;
}

/**
 * Virtual keys by secret, cached so a busy key costs one database read per cache period.
 * The cache period is how long a revocation takes to reach other nodes.
 */
export class KeyDirectory {
  private readonly bySecretHash = new Map<string, Cached>();
  private readonly byId = new Map<string, KeyGrant>();
  private readonly pending = new Map<string, Promise<KeyGrant | undefined>>();

  constructor(
    private readonly keys: KeyStore,
    private readonly projects: ProjectStore,
    private readonly cacheMs: number,
  ) {}

  /** `digest` is the secret's SHA-256 when the caller has it already (one hash per request, not two). */
  async lookup(secret: string, digest?: Buffer): Promise<KeyGrant | undefined> {
    const hash = hexOf(digest ?? createHash("sha256").update(secret).digest());
    const cached = this.bySecretHash.get(hash);
    if (cached && cached.expires > Date.now()) return cached.grant;
    // Concurrent first requests with one key share a single read.
    let loading = this.pending.get(hash);
    if (!loading) {
      loading = this.load(secret, hash).finally(() => this.pending.delete(hash));
      this.pending.set(hash, loading);
    }
    return loading;
  }

  /**
   * What `lookup` would answer from the cache, without a turn of the event loop: `{ grant }` while the
   * digest's entry is fresh (the grant undefined for an unknown key), undefined when it must be read.
   */
  cached(digest: Buffer): { grant: KeyGrant | undefined } | undefined {
    const cached = this.bySecretHash.get(hexOf(digest));
    return cached && cached.expires > Date.now() ? cached : undefined;
  }

  /** The grant of a key authenticated recently (limits read it without a database trip). */
  grant(keyId: string): KeyGrant | undefined {
    return this.byId.get(keyId);
  }

  /**
   * A key read by id, for work that runs as a key whose secret it never holds (a batch resumed
   * after a restart). It becomes the grant limits read, so budgets apply as they do to live calls.
   */
  async grantById(keyId: string): Promise<KeyGrant | undefined> {
    const key = await this.keys.get(keyId).catch(() => undefined);
    const project = key && (await this.projects.find(key.projectId));
    const grant = key && project ? { key, project } : undefined;
    if (grant) this.byId.set(keyId, grant);
    else this.byId.delete(keyId);
    return grant;
  }

  /** Forget everything (after an admin change on this node). */
  invalidate(): void {
    this.bySecretHash.clear();
  }

  private async load(secret: string, hash: string): Promise<KeyGrant | undefined> {
    const key = await this.keys.findBySecret(secret);
    const project = key && (await this.projects.find(key.projectId));
    const grant = key && project ? { key, project } : undefined;
    if (this.bySecretHash.size > 100_000) this.bySecretHash.clear();
    this.bySecretHash.set(hash, { grant, expires: Date.now() + this.cacheMs });
    if (grant) this.byId.set(grant.key.id, grant);
    return grant;
  }
}
