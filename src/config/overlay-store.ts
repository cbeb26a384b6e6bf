import type { Storage } from "../storage/database.js";
import type { ConfigOverlay } from "./reloader.js";

export type EntryKind = "provider" | "model";

interface ConfigEntryTable {
  kind: string;
  name: string;
  /** The entry as JSON, as the config file would hold it. */
  body: string;
  created_at: number;
  updated_at: number;
}

declare module "../storage/database.js" {
  interface Database {
    config_entries: ConfigEntryTable;
  }
}

export interface StoredEntry {
  kind: EntryKind;
  name: string;
  body: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

const toEntry = (row: ConfigEntryTable): StoredEntry => ({
  kind: row.kind as EntryKind,
  name: row.name,
  body: JSON.parse(row.body) as Record<string, unknown>,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/**
 * Providers and models given through the admin API, in the database, so every node and every
 * restart serves them. Entries are validated before they are written; the runtime reads them all
 * on each reload.
 */
export class ConfigOverlayStore {
  constructor(private readonly storage: Storage) {}

  async list(kind?: EntryKind): Promise<StoredEntry[]> {
    let query = this.storage.db.selectFrom("config_entries").selectAll().orderBy("name");
    if (kind) query = query.where("kind", "=", kind);
    return (await query.execute()).map(toEntry);
  }

  async get(kind: EntryKind, name: string): Promise<StoredEntry | undefined> {
    const row = await this.storage.db.selectFrom("config_entries").selectAll().where("kind", "=", kind).where("name", "=", name).executeTakeFirst();
    return row && toEntry(row);
  }

  async overlay(): Promise<ConfigOverlay> {
    const overlay: ConfigOverlay = { providers: {}, models: {} };
    for (const entry of await this.list()) overlay[entry.kind === "provider" ? "providers" : "models"][entry.name] = entry.body;
    return overlay;
  }

  /** Writes an entry; returns what it replaced, for `restore`. */
  async put(kind: EntryKind, name: string, body: Record<string, unknown>): Promise<StoredEntry | undefined> {
    const previous = await this.get(kind, name);
    const now = Date.now();
    if (previous) {
      await this.storage.db.updateTable("config_entries").set({ body: JSON.stringify(body), updated_at: now }).where("kind", "=", kind).where("name", "=", name).execute();
    } else {
      await this.storage.db.insertInto("config_entries").values({ kind, name, body: JSON.stringify(body), created_at: now, updated_at: now }).execute();
    }
    return previous;
  }

  /** Removes an entry; returns it, for `restore`. */
  async delete(kind: EntryKind, name: string): Promise<StoredEntry | undefined> {
    const previous = await this.get(kind, name);
    if (previous) await this.storage.db.deleteFrom("config_entries").where("kind", "=", kind).where("name", "=", name).execute();
    return previous;
  }

  /** Puts an entry back as it was before a write that did not validate (or removes one that did not exist). */
  async restore(kind: EntryKind, name: string, previous: StoredEntry | undefined): Promise<void> {
    await this.storage.db.deleteFrom("config_entries").where("kind", "=", kind).where("name", "=", name).execute();
    if (!previous) return;
    await this.storage.db
      .insertInto("config_entries")
      .values({ kind, name, body: JSON.stringify(previous.body), created_at: previous.createdAt, updated_at: previous.updatedAt })
      .execute();
  }
}
