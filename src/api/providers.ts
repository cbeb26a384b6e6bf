import { HOSTED_DEFAULTS } from "../config/defaults.js";
import { SwitchyardError } from "../core/errors.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { ProviderAdapter } from "../providers/contract.js";

/**
 * `GET /v1/providers`: which providers this gateway has and how a hosted one is added (its key name,
 * and whether keys can be stored through the credentials API). For the console's first page; the
 * master key (or no key at all, on loopback) only, since it describes the gateway, not a project.
 */
export function providerRoutes(options: {
  providers: ReadonlyMap<string, ProviderAdapter>;
  /** Stored credentials are encrypted with the master key; without one the admin API is off. */
  masterKeyConfigured: boolean;
  builtins: () => "added" | "replaced" | undefined;
}): RouteRegistrar {
  const { builtins } = options;
  return (app) => {
    app.get("/v1/providers", async (request) => {
      if (request.principal.keyId !== "master" && request.principal.keyId !== "anonymous") {
        throw new SwitchyardError("SWY_ERR_FORBIDDEN", "GET /v1/providers needs the master key.");
      }
      const providers = [...options.providers.values()];
      return {
        object: "list",
        data: providers.map((provider) => ({ id: provider.name, object: "provider", type: provider.type, local: provider.local === true })),
        /** Stored credentials are encrypted with the master key; without one the admin API is off. */
        credentials_api: options.masterKeyConfigured,
        /** Whether a stored key adds its built-in provider by itself (no `providers:` section in the config file). */
        builtin_providers: builtins() === "added",
        hosted: HOSTED_DEFAULTS.map((hosted) => ({
          provider: hosted.provider,
          type: hosted.type,
          key_name: hosted.keyName,
          configured: providers.some((provider) => provider.type === hosted.type),
        })),
      };
    });
  };
}
