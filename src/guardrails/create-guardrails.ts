import { ConfigError } from "../config/load.js";
import type { Runtime } from "../config/resolve.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { Storage } from "../storage/database.js";
import { openConfiguredDatabase } from "../storage/from-config.js";
import { guardrailsAdminRoutes } from "./admin-routes.js";
import { InMemoryAuditLog, type AuditLog } from "./audit-log.js";
import type { GuardrailsConfig, PolicyLayer } from "./config.js";
import { createGuardrailsMiddleware } from "./middleware.js";
import type { ProviderInfo } from "./resolve-policy.js";
import { SqlAuditLog } from "./sql-audit-log.js";

export interface Guardrails {
  middleware: ChatMiddleware;
  audit: AuditLog;
  routes: RouteRegistrar;
  close(): Promise<void>;
}

export interface CreateGuardrailsOptions {
  env?: NodeJS.ProcessEnv;
  /** An already-open database to share; otherwise the configured one is opened when the audit store is `database`. */
  storage?: Storage;
  /** The guardrail policy a deployment of this public name carries (deployments' `guardrails`). */
  deploymentPolicy?: (model: string) => PolicyLayer | undefined;
  /**
   * The models a deployment of this public name can turn into (its model, or every A/B variant's),
   * so the input policy covers each variant's providers, not only the first one's.
   */
  deploymentTargets?: (model: string) => readonly string[] | undefined;
}

/** The guardrails for an app, or undefined when the config has no `guardrails:` section. */
export async function createGuardrails(runtime: Runtime, options: CreateGuardrailsOptions = {}): Promise<Guardrails | undefined> {
  const config: GuardrailsConfig | undefined = runtime.config.guardrails;
  if (config === undefined) return undefined;
  const unknown = Object.keys(config.providers).filter((name) => !runtime.providers.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      "config",
      unknown.map((name) => `guardrails.providers.${name}: no provider named "${name}" is configured (known: ${[...runtime.providers.keys()].join(", ") || "none"})`),
    );
  }
  checkLocalModel(runtime, config);
  let owned: Storage | undefined;
  let audit: AuditLog;
  if (config.audit.store === "memory") {
    audit = new InMemoryAuditLog(config.audit.max_entries);
  } else {
    const storage = options.storage ?? (owned = await openConfiguredDatabase(runtime.config, options.env ?? process.env));
    audit = new SqlAuditLog(storage.db, (error) => runtime.logger.error({ err: error }, "guardrails audit write failed"));
  }
  const providerInfo = (name: string): ProviderInfo => ({ name, local: runtime.providers.get(name)?.local });
  const routeProviders = (model: string): ProviderInfo[] | undefined => {
    try {
      const entry = runtime.models.resolve(model);
      // An auto-routed model picks its target per request: every provider counts.
      if (entry.auto !== undefined || entry.routes.length === 0) return undefined;
      return entry.routes.map((route) => ({ name: route.provider.name, local: route.provider.local }));
    } catch {
      return undefined;
    }
  };
  const middleware = createGuardrailsMiddleware({
    config,
    audit,
    candidateProviders(model) {
      const found: ProviderInfo[] = [];
      for (const target of options.deploymentTargets?.(model) ?? [model]) {
        const providers = routeProviders(target);
        if (providers === undefined) return undefined;
        found.push(...providers);
      }
      return found;
    },
    allProviders: () => [...runtime.providers.keys()].map(providerInfo),
    deploymentPolicy: options.deploymentPolicy,
    localModel: config.local_model,
  });
  return {
    middleware,
    audit,
    routes: guardrailsAdminRoutes(audit),
    async close() {
      await audit.close?.();
      await owned?.close();
    },
  };
}

/** `local_model` must exist and keep data here: every route local or exempt, and no auto routing to third parties. */
function checkLocalModel(runtime: Runtime, config: GuardrailsConfig): void {
  const name = config.local_model;
  if (name === undefined) return;
  let entry;
  try {
    entry = runtime.models.resolve(name);
  } catch {
    throw new ConfigError("config", [`guardrails.local_model: no model named "${name}" is configured`]);
  }
  if (entry.auto !== undefined) throw new ConfigError("config", [`guardrails.local_model: "${name}" is auto-routed; name a model with local routes`]);
  const routes = entry.routes;
  const outside = routes.filter((route) => !(config.providers[route.provider.name]?.exempt ?? route.provider.local === true));
  if (routes.length === 0 || outside.length > 0) {
    const names = outside.map((route) => route.provider.name).join(", ") || "none";
    throw new ConfigError("config", [
      `guardrails.local_model: "${name}" must route only to local providers (type local, local: true, or guardrails.providers.<name>.exempt); not local: ${names}`,
    ]);
  }
}
