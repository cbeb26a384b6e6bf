import type { Logger } from "../observability/logger.js";
import type { ProviderAdapter } from "../providers/contract.js";
import { ModelRegistry } from "../routing/model-registry.js";
import type { RuntimeParts } from "./build-runtime.js";
import type { ConfigFile } from "./schema.js";

/**
 * The runtime a gateway serves from. Its provider map and model registry are the same objects for
 * the life of the process (the control plane, cache, customization and routing hold them), and a
 * reload swaps their contents in one synchronous step, so no request ever sees half of a change.
 * Requests already routed keep the route objects, and so the adapters, they resolved.
 */
export class LiveRuntime {
  readonly providers = new Map<string, ProviderAdapter>();
  readonly models: ModelRegistry;
  private current: RuntimeParts;

  constructor(
    parts: RuntimeParts,
    readonly logger: Logger,
    readonly masterKey: string | undefined,
  ) {
    this.models = new ModelRegistry(this.providers);
    this.current = parts;
    this.install(parts);
  }

  get config(): Readonly<ConfigFile> {
    return this.current.config;
  }

  /** What is serving now: the base a reload builds on (unchanged providers are reused from it). */
  get parts(): RuntimeParts {
    return this.current;
  }

  /** Serves `next` from now on; returns the adapters nothing in `next` uses any more (the caller closes them once drained). */
  swap(next: RuntimeParts): ProviderAdapter[] {
    const kept = new Set([...next.providers.values()].map((built) => built.adapter));
    const retired = [...this.current.providers.values()].map((built) => built.adapter).filter((adapter) => !kept.has(adapter));
    this.current = next;
    this.install(next);
    return retired;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.providers.values()].map((provider) => provider.close?.()));
  }

  private install(parts: RuntimeParts): void {
    this.providers.clear();
    for (const [name, built] of parts.providers) this.providers.set(name, built.adapter);
    this.models.replaceConfigured(parts.entries, this.providers);
  }
}
