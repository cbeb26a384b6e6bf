import { SwitchyardError } from "../core/errors.js";
import type { ProviderAdapter } from "../providers/contract.js";
import type { LearnedRouter } from "./auto/router-file.js";
import type { StrategyConfig } from "./config-schema.js";

export interface Route {
  provider: ProviderAdapter;
  /** The model name the upstream knows. */
  model: string;
  weight?: number;
  timeoutMs?: number;
}

export interface AutoEntry {
  router: LearnedRouter;
  strong: string;
  weak: string;
  /** Tiers between strong and weak, strongest first, each with its share of traffic. */
  middle: ReadonlyArray<{ model: string; share: number }>;
  threshold?: number;
  targetStrong: number;
  budgetFloor: number;
  crossTierFallback: boolean;
  /** Store a routing sample per successful request, for retraining from feedback. */
  collectSamples?: boolean;
  /** Days a stored sample is kept; 0 keeps it. */
  sampleRetentionDays?: number;
}

export interface ModelEntry {
  name: string;
  description?: string;
  routes: Route[];
  /** Reliability strategy; absent means ordered fallback with the defaults. */
  strategy?: StrategyConfig;
  /** Set for `type: auto` models: the learned router picks a tier per request. */
  auto?: AutoEntry;
  /** Where the entry came from: the config file, a provider's own list, or the runtime (fine-tunes, deployments). */
  origin: "config" | "provider" | "runtime";
  /**
   * The project that owns the model (fine-tunes and their checkpoints, deployments). Other projects'
   * keys neither list nor call it: to them it does not exist. Undefined means every project may use it.
   */
  projectId?: string;
  /**
   * Set when the routes are another model's, shown for the catalog (a deployment): owning the name
   * does not make the upstream model the owner's, so the `provider/model` shorthand stays open to others.
   */
  borrowedRoutes?: boolean;
}

/** Whether a caller acting for `projectId` may see an entry; undefined means any project (the master key). */
export function visibleTo(entry: ModelEntry, projectId: string | undefined): boolean {
  return entry.projectId === undefined || projectId === undefined || entry.projectId === projectId;
}

/** Public model names -> ordered routes. `PROVIDER/UPSTREAM_MODEL` works without an entry. */
export class ModelRegistry {
  private readonly entries = new Map<string, ModelEntry>();

  /**
   * Built-in provider names the config file's own `providers:` section left out, named in the 404 so
   * a `local/<file>` that worked without a file does not fail unexplained.
   */
  private droppedBuiltins: readonly string[] = [];

  constructor(private readonly providers: ReadonlyMap<string, ProviderAdapter>) {}

  /** Set once any project owns a model, so the common shorthand path skips the ownership scan. */
  private hasOwnedEntries = false;
  /** Set at start and on each reload of the config file. */
  setDroppedBuiltins(names: readonly string[]): void {
    this.droppedBuiltins = names;
  }

  register(entry: ModelEntry): void {
    this.entries.set(entry.name, entry);
    if (entry.projectId !== undefined) this.hasOwnedEntries = true;
  }

  unregister(name: string): void {
    this.entries.delete(name);
  }

  /**
   * Serves a new set of `models:` entries in one step (a config reload). Entries registered at run
   * time (fine-tunes, deployments) stay, their routes re-pointed at the provider of the same name,
   * so a changed provider serves them too.
   */
  replaceConfigured(entries: readonly ModelEntry[], providers: ReadonlyMap<string, ProviderAdapter>): void {
    const others = [...this.entries.values()].filter((entry) => entry.origin !== "config");
    this.entries.clear();
    for (const entry of entries) this.entries.set(entry.name, entry);
    // Run-time entries were registered after the config's at start-up and won a shared name; they still do.
    for (const entry of others) {
      const stale = entry.routes.some((route) => providers.get(route.provider.name) !== route.provider && providers.has(route.provider.name));
      const routes = stale ? entry.routes.map((route) => ({ ...route, provider: providers.get(route.provider.name) ?? route.provider })) : entry.routes;
      this.entries.set(entry.name, stale ? { ...entry, routes } : entry);
    }
  }

  get(name: string): ModelEntry | undefined {
    return this.entries.get(name);
  }

  /**
   * The entry for a public name, or a one-route entry for the `provider/model` shorthand. With a
   * project, another project's own models answer exactly like names that do not exist.
   */
  resolve(name: string, projectId?: string): ModelEntry {
    const entry = this.entries.get(name);
    if (entry && visibleTo(entry, projectId)) return entry;
    const slash = name.indexOf("/");
    if (slash > 0) {
      const provider = this.providers.get(name.slice(0, slash));
      const model = name.slice(slash + 1);
      if (provider && model.length > 0 && !this.ownedElsewhere(provider.name, model, projectId)) return { name, routes: [{ provider, model }], origin: "provider" };
    }
    throw this.missing(name);
  }

  /** The error for a name that does not exist (or not for the caller's project): one wording for both. */
  missing(name: string): SwitchyardError {
    return new SwitchyardError(
      "SWY_ERR_MODEL_NOT_FOUND",
      `The model '${name}' does not exist. Use a name from GET /v1/models or PROVIDER/MODEL with a configured provider (${[...this.providers.keys()].join(", ") || "none configured"}).${this.builtinHint(name)}`,
      { param: "model" },
    );
  }

  /** Whether `provider/model` is the upstream name of a model another project owns (an upstream fine-tune). */
  private ownedElsewhere(provider: string, model: string, projectId: string | undefined): boolean {
    if (projectId === undefined || !this.hasOwnedEntries) return false;
    for (const entry of this.entries.values()) {
      if (visibleTo(entry, projectId) || entry.borrowedRoutes) continue;
      if (entry.routes.some((route) => route.provider.name === provider && route.model === model)) return true;
    }
    return false;
  }

  /** Every entry, or those a project may see. */
  list(projectId?: string): ModelEntry[] {
    return [...this.entries.values()].filter((entry) => visibleTo(entry, projectId));
  }

  private builtinHint(name: string): string {
    const dropped = this.droppedBuiltins.filter((provider) => !this.providers.has(provider));
    if (dropped.length === 0) return "";
    const prefix = name.slice(0, Math.max(0, name.indexOf("/")));
    const named = dropped.includes(prefix) ? `'${prefix}' is a built-in provider, but` : `The built-in providers (${dropped.join(", ")}) are not added:`;
    return ` ${named} the config file has its own providers: section, which replaces them. Add it there (e.g. local: {type: local}) or remove the section to keep the built-in ones.`;
  }
}
