import type { Kysely } from "kysely";
import { SwitchyardError } from "../../core/errors.js";
import type { Database } from "../../storage/database.js";
import type { SecretCipher } from "./cipher.js";

export interface CredentialInfo {
  name: string;
  provider: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * Provider credentials given through the admin API, encrypted at rest. Each is named like an
 * environment variable and answers `env:NAME` references in provider config when the real
 * environment has no such variable (read when the runtime is built, and again on every node after a change).
 */
export class CredentialStore {
  private readonly listeners = new Set<(name: string) => Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: SecretCipher | undefined,
  ) {}

  /** Runs after every put and delete, before the caller hears back (the change bus tells the other nodes). */
  onChange(listener: (name: string) => Promise<void>): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private async changed(name: string): Promise<void> {
    for (const listener of this.listeners) await listener(name);
  }

  private requireCipher(): SecretCipher {
    if (!this.cipher) {
      throw new SwitchyardError("SWY_ERR_FORBIDDEN", "Set SWITCHYARD_MASTER_KEY or SWITCHYARD_ENCRYPTION_KEY to store provider credentials.");
    }
    return this.cipher;
  }

  async put(name: string, provider: string, value: string): Promise<CredentialInfo> {
    const ciphertext = this.requireCipher().encrypt(value);
    const now = Date.now();
    const existing = await this.db.selectFrom("provider_credentials").select("created_at").where("name", "=", name).executeTakeFirst();
    if (existing) {
      await this.db.updateTable("provider_credentials").set({ provider, ciphertext, updated_at: now }).where("name", "=", name).execute();
      await this.changed(name);
      return { name, provider, createdAt: existing.created_at, updatedAt: now };
    }
    await this.db.insertInto("provider_credentials").values({ name, provider, ciphertext, created_at: now, updated_at: now }).execute();
    await this.changed(name);
    return { name, provider, createdAt: now, updatedAt: now };
  }

  async list(): Promise<CredentialInfo[]> {
    const rows = await this.db.selectFrom("provider_credentials").select(["name", "provider", "created_at", "updated_at"]).orderBy("name").execute();
    return rows.map((row) => ({ name: row.name, provider: row.provider, createdAt: row.created_at, updatedAt: row.updated_at }));
  }

  async delete(name: string): Promise<void> {
    const result = await this.db.deleteFrom("provider_credentials").where("name", "=", name).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No credential named '${name}'.`);
    await this.changed(name);
  }

  /** Every credential decrypted, as environment entries. Empty without a cipher. */
  async asEnvironment(): Promise<Record<string, string>> {
    if (!this.cipher) return {};
    const rows = await this.db.selectFrom("provider_credentials").select(["name", "ciphertext"]).execute();
    return Object.fromEntries(rows.map((row) => [row.name, this.cipher!.decrypt(row.ciphertext)]));
  }
}
