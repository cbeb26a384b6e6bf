import type { Logger } from "../observability/logger.js";
import { buildRuntimeParts, stableJson } from "./build-runtime.js";
import type { InFlightRequests } from "./in-flight.js";
import type { LiveRuntime } from "./live-runtime.js";
import { ConfigError, parseConfig } from "./load.js";
import type { ConfigFile } from "./schema.js";

/** The sections a reload applies; every other one is read at start-up and needs a restart to change. */
export const HOT_SECTIONS = ["providers", "models"] as const;

export interface NameChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

export type ReloadOutcome =
  | { applied: true; source: string; providers: NameChanges; models: NameChanges; restartRequired: string[] }
  | { applied: false; source: string; problems: string[] };

/** Admin-API entries laid over the file's `providers:` and `models:` (admin entries win a shared name). */
export interface ConfigOverlay {
  providers: Record<string, Record<string, unknown>>;
  models: Record<string, Record<string, unknown>>;
}

export interface ReloaderOptions {
  /** Reads and validates the config file again (phase one). */
  readFile: () => { config: ConfigFile; source: string } | Promise<{ config: ConfigFile; source: string }>;
  /** The admin API's stored entries. */
  readOverlay: () => Promise<ConfigOverlay>;
  /** The environment `env:` references resolve in: stored credentials under the real environment. */
  environment: () => Promise<NodeJS.ProcessEnv>;
  inFlight: InFlightRequests;
  logger: Logger;
  /** Runs after an admin API change applied (the change bus tells the other nodes to refresh). */
  changed?: () => Promise<void>;
}

/**
 * Re-reads the config (SIGHUP, `POST /admin/config/reload`, an admin API change), validates it
 * completely before touching anything, then swaps the runtime in one step. Reloads run one at a
 * time. A bad config changes nothing and the outcome says why.
 */
export class ConfigReloader {
  private queue: Promise<unknown> = Promise.resolve();
  private file: { config: ConfigFile; source: string };

  constructor(
    private readonly runtime: LiveRuntime,
    initialFile: { config: ConfigFile; source: string },
    private readonly options: ReloaderOptions,
  ) {
    this.file = initialFile;
  }

  /** Merges the file with the overlay: the config a runtime is built from. */
  static merge(file: ConfigFile, overlay: ConfigOverlay, source: string): ConfigFile {
    // Validated as a whole, like a file: stored entries are checked again against the schema this version runs.
    const empty = Object.keys(overlay.providers).length + Object.keys(overlay.models).length === 0;
    return parseConfig(
      { ...file, providers: { ...file.providers, ...overlay.providers }, models: { ...file.models, ...overlay.models } },
      empty ? source : `${source} with the admin API's providers and models`,
    );
  }

  /** Re-reads the file, then applies it with the stored admin entries. */
  reload(): Promise<ReloadOutcome> {
    return this.exclusive(async () => {
      let file: { config: ConfigFile; source: string };
      try {
        file = await this.options.readFile();
      } catch (error) {
        return this.refused(error, this.file.source);
      }
      const outcome = await this.applyUnlocked(file);
      if (outcome.applied) this.file = file;
      return outcome;
    });
  }

  /** Applies the last good file with the overlay as stored now (another node changed it), without reading the file. */
  refresh(): Promise<ReloadOutcome> {
    return this.exclusive(() => this.applyUnlocked(this.file));
  }

  /**
   * Runs `change` (an admin API write) and re-applies the last good file with the overlay as it is
   * afterwards; when the result does not validate, `undo` reverts the write and nothing changes.
   */
  change(change: () => Promise<void>, undo: () => Promise<void>): Promise<ReloadOutcome> {
    return this.exclusive(async () => {
      await change();
      let outcome: ReloadOutcome;
      try {
        outcome = await this.applyUnlocked(this.file);
      } catch (error) {
        // Not a config problem (the database failed mid-way): the stored entries must still match what serves.
        await undo();
        throw error;
      }
      if (!outcome.applied) await undo();
      else await this.options.changed?.();
      return outcome;
    });
  }

  /** Retired runtimes whose adapters wait for their in-flight requests to finish. */
  get draining(): number {
    return this.options.inFlight.draining;
  }

  /** The config file as last read successfully (before the overlay). */
  get fileConfig(): ConfigFile {
    return this.file.config;
  }

  private async applyUnlocked(file: { config: ConfigFile; source: string }): Promise<ReloadOutcome> {
    const current = this.runtime.config;
    let next;
    try {
      const overlay = await this.options.readOverlay();
      const merged = ConfigReloader.merge(file.config, overlay, file.source);
      // Only the hot sections change; the rest stays as the process started, so `runtime.config` tells what is served.
      const applied: ConfigFile = { ...current, providers: merged.providers, models: merged.models };
      next = buildRuntimeParts(applied, { logger: this.options.logger, env: await this.options.environment(), source: file.source,
        previous: this.runtime.parts,
        referencesOnly: new Set(Object.keys(overlay.providers)),
      });
      const restartRequired = (Object.keys(merged) as Array<keyof ConfigFile>).filter(
        (section) => !(HOT_SECTIONS as readonly string[]).includes(section) && stableJson(merged[section]) !== stableJson(current[section]),
      );
      const outcome: ReloadOutcome = {
        applied: true,
        source: file.source,
        providers: changes(current.providers, applied.providers),
        models: changes(current.models, applied.models),
        restartRequired,
      };
      const retired = this.runtime.swap(next);
      this.options.inFlight.advance(() => {
        for (const adapter of retired) void adapter.close?.();
      });
      this.options.logger.info({ source: file.source, providers: outcome.providers, models: outcome.models }, "configuration reloaded");
      if (restartRequired.length > 0) {
        this.options.logger.warn({ sections: restartRequired }, `configuration sections changed that only apply after a restart: ${restartRequired.join(", ")}`);
      }
      return outcome;
    } catch (error) {
      return this.refused(error, file.source);
    }
  }

  private refused(error: unknown, source: string): ReloadOutcome {
    if (!(error instanceof ConfigError)) throw error;
    this.options.logger.error({ source: error.source, problems: error.problems }, "configuration reload refused; nothing changed");
    return { applied: false, source: error.source ?? source, problems: error.problems };
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function changes(before: Record<string, unknown>, after: Record<string, unknown>): NameChanges {
  const added = Object.keys(after).filter((name) => !(name in before));
  const removed = Object.keys(before).filter((name) => !(name in after));
  const changed = Object.keys(after).filter((name) => name in before && stableJson(before[name]) !== stableJson(after[name]));
  return { added, changed, removed };
}
