import type { FastifyInstance } from "fastify";
import type { LiveRuntime } from "../../config/live-runtime.js";
import type { ConfigOverlayStore } from "../../config/overlay-store.js";
import type { ConfigReloader, ReloadOutcome } from "../../config/reloader.js";
import { SwitchyardError } from "../../core/errors.js";
import { requireGlobalAdmin } from "../../http/admin-guard.js";
import type { RouteRegistrar } from "../../http/route-registrar.js";
import { registerModelConfigRoutes } from "./model-config-routes.js";
import { registerProviderConfigRoutes } from "./provider-config-routes.js";

export interface RuntimeConfigServices {
  reloader: ConfigReloader;
  entries: ConfigOverlayStore;
  runtime: LiveRuntime;
}

/** `POST /admin/config/reload` and the admin API's providers and models (master key only). */
export function runtimeConfigRoutes(services: RuntimeConfigServices): RouteRegistrar {
  return async (app) => {
    await app.register(
      async (admin) => {
        // Providers, models and the config serve every project: the master key only (the root guard has authenticated).
        admin.addHook("onRequest", async (request) => void requireGlobalAdmin(request));
        registerReloadRoute(admin, services);
        registerProviderConfigRoutes(admin, services);
        registerModelConfigRoutes(admin, services);
      },
      { prefix: "/admin" },
    );
  };
}

function registerReloadRoute(app: FastifyInstance, services: RuntimeConfigServices): void {
  app.post("/config/reload", async () => reloadOut(requireApplied(await services.reloader.reload(), "SWY_ERR_INVALID_REQUEST", "The configuration was not reloaded")));
}

export function reloadOut(outcome: Extract<ReloadOutcome, { applied: true }>) {
  return {
    object: "config.reload",
    applied: true,
    source: outcome.source,
    providers: outcome.providers,
    models: outcome.models,
    /** Sections that differ from what is running but are read only at start-up. */
    restart_required: outcome.restartRequired,
  };
}

/** A refused change becomes a 4xx in the API's format, every problem in the message. */
export function requireApplied(outcome: ReloadOutcome, code: "SWY_ERR_INVALID_REQUEST" | "SWY_ERR_CONFLICT", what: string): Extract<ReloadOutcome, { applied: true }> {
  if (outcome.applied) return outcome;
  throw new SwitchyardError(code, `${what}; nothing changed. Problems in ${outcome.source}:\n  - ${outcome.problems.join("\n  - ")}`);
}
