import { createHash } from "node:crypto";

/** How many accepted keys keep their digest: a busy gateway's working set, bounded. */
const LIMIT = 1024;

/**
 * The SHA-256 of presented API keys, remembered for keys that were accepted: a busy key is hashed
 * once, not on every request (the hash was ~2% of a master-key request's CPU). Only the digest is
 * cached, never a decision: every request still compares it with the master key's and looks the key
 * up in the key directory, so revocation, expiry and their spread to other nodes are unchanged.
 * A refused key is forgotten and never remembered, so unknown keys cannot fill or churn it.
 */
export class KeyDigests {
  private readonly accepted = new Map<string, Buffer>();

  digest(credential: string): Buffer {
    return this.accepted.get(credential) ?? createHash("sha256").update(credential).digest();
  }

  accept(credential: string, digest: Buffer): void {
    if (this.accepted.has(credential)) return;
    // Oldest first: Map keeps insertion order.
    if (this.accepted.size >= LIMIT) this.accepted.delete(this.accepted.keys().next().value!);
    this.accepted.set(credential, digest);
  }

  refuse(credential: string): void {
    this.accepted.delete(credential);
  }

  has(credential: string): boolean {
    return this.accepted.has(credential);
  }

  get size(): number {
    return this.accepted.size;
  }
}
