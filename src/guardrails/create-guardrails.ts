import { ConfigError } from "../config/load.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { Logger } from "../observability/logger.js";
import type { ProviderAdapter } from "../providers/contract.js";
import type { ModelRegistry } from "../routing/model-registry.js";
import type { Storage } from "../storage/database.js";
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

/**
 * What the guardrails read from the runtime: their config section, the providers (which are local or
 * exempt) and the models (whose routes decide the strictest policy). The provider map and the model
 * registry are the runtime's own, the same objects across config reloads.
 */
export interface GuardrailsDependencies {
  config: GuardrailsConfig | undefined;
  providers: ReadonlyMap<string, ProviderAdapter>;
  models: ModelRegistry;
  logger: Logger;
}

export interface CreateGuardrailsOptions {
  /** The database the audit log is written to when its store is `database`. */
  storage: Storage;
  /** The guardrail policy a deployment of this public name carries (deployments' `guardrails`). */
  deploymentPolicy?: (model: string) => PolicyLayer | undefined;
  /**
   * The models a deployment of this public name can turn into (its model, or every A/B variant's),
   * so the input policy covers each variant's providers, not only the first one's.
   */
  deploymentTargets?: (model: string) => readonly string[] | undefined;
}

/** The guardrails for an app, or undefined when the config has no `guardrails:` section. */
export function createGuardrails(dependencies: GuardrailsDependencies, options: CreateGuardrailsOptions): Guardrails | undefined {
  const config = dependencies.config;
  if (config === undefined) return undefined;
  const unknown = Object.keys(config.providers).filter((name) => !dependencies.providers.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      "config",
      unknown.map((name) => `guardrails.providers.${name}: no provider named "${name}" is configured (known: ${[...dependencies.providers.keys()].join(", ") || "none"})`),
    );
  }
  checkLocalModel(dependencies.models, config);
  const audit: AuditLog =
    config.audit.store === "memory"
      ? new InMemoryAuditLog(config.audit.max_entries)
      : new SqlAuditLog(options.storage.db, (error) => dependencies.logger.error({ err: error }, "guardrails audit write failed"));
  const providerInfo = (name: string): ProviderInfo => ({ name, local: dependencies.providers.get(name)?.local });
  const routeProviders = (model: string): ProviderInfo[] | undefined => {
    try {
      const entry = dependencies.models.resolve(model);
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
    allProviders: () => [...dependencies.providers.keys()].map(providerInfo),
    deploymentPolicy: options.deploymentPolicy,
    localModel: config.local_model,
  });
  return {
    middleware,
    audit,
    routes: guardrailsAdminRoutes(audit),
    async close() {
      await audit.close?.();
    },
  };
}

/** `local_model` must exist and keep data here: every route local or exempt, and no auto routing to third parties. */
function checkLocalModel(models: ModelRegistry, config: GuardrailsConfig): void {
  const name = config.local_model;
  if (name === undefined) return;
  let entry;
  try {
    entry = models.resolve(name);
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
