import { isReference, type RuntimeParts } from "../../config/build-runtime.js";
import type { StoredEntry } from "../../config/overlay-store.js";

const seconds = (ms: number) => Math.floor(ms / 1000);
const REDACTED = "[redacted]";

export type EntrySource = "file" | "admin";

/**
 * A provider entry as the admin API shows it: secrets appear only as the `env:NAME` references
 * they are given by. A literal secret in the config file and every header value (headers can
 * carry keys) are redacted.
 */
export function providerOut(name: string, entry: Record<string, unknown>, parts: RuntimeParts, stored: StoredEntry | undefined, inFile: boolean) {
  const literals = new Set((parts.providers.get(name)?.secrets ?? []).map(({ reference }) => reference).filter((reference) => !isReference(reference)));
  return {
    object: "provider",
    name,
    type: entry.type,
    ...origin(stored, inFile),
    config: redact(entry, literals),
  };
}

export function modelConfigOut(name: string, entry: Record<string, unknown>, stored: StoredEntry | undefined, inFile: boolean) {
  return { object: "model_config", name, ...origin(stored, inFile), config: entry };
}

function origin(stored: StoredEntry | undefined, inFile: boolean) {
  return {
    source: (stored ? "admin" : "file") as EntrySource,
    /** An admin entry with the name of a file entry replaces it; deleting the admin entry brings the file's back. */
    overrides_file: stored !== undefined && inFile,
    created_at: stored ? seconds(stored.createdAt) : null,
    updated_at: stored ? seconds(stored.updatedAt) : null,
  };
}

function redact(value: unknown, literals: ReadonlySet<string>, key?: string): unknown {
  if (typeof value === "string") return literals.has(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((item) => redact(item, literals));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (key === "headers") return Object.fromEntries(entries.map(([name]) => [name, REDACTED]));
  return Object.fromEntries(entries.map(([name, item]) => [name, redact(item, literals, name)]));
}
