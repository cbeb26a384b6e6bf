import { existsSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import type { ConfigFile } from "../config/schema.js";
import { SwitchyardError } from "../core/errors.js";
import type { ProviderAdapter } from "../providers/contract.js";
import { loadRouterFile, type LearnedRouter } from "./auto/router-file.js";
import { STORED_ROUTER_PREFIX, storedRouterPath } from "./auto/stored-routers.js";
import type { AutoModelConfig } from "./config-schema.js";
import type { ModelRegistry, Route } from "./model-registry.js";

/** The share of strong calls an auto model aims for: set, derived from a target quality, or the file's own. */
function targetShare(auto: AutoModelConfig, router: LearnedRouter): number {
  if (auto.target_quality === undefined) return auto.target_strong ?? router.file.targetStrong;
  return router.shareForQuality(auto.target_quality);
}

/** Phase two for `models:`: turns each entry into routes (or an auto-router tier pair), reporting every problem. */
export function registerConfiguredModels(
  config: ConfigFile,
  providers: ReadonlyMap<string, ProviderAdapter>,
  models: ModelRegistry,
  problems: string[],
): void {
  for (const [name, model] of Object.entries(config.models)) {
    const routes: Route[] = [];
    for (const [index, route] of (model.routes ?? []).entries()) {
      const provider = providers.get(route.provider);
      if (!provider) {
        if (!(route.provider in config.providers)) {
          problems.push(`models.${name}.routes[${index}].provider: no provider named "${route.provider}" is configured`);
        }
        continue;
      }
      routes.push({ provider, model: route.model, weight: route.weight, timeoutMs: route.timeout_ms });
    }
    if (model.type !== "auto" || !model.auto) {
      models.register({ name, description: model.description, routes, strategy: model.strategy, origin: "config" });
      continue;
    }
    const auto = model.auto;
    if (auto.target_quality !== undefined && auto.target_strong !== undefined) {
      problems.push(`models.${name}.auto.target_quality: give target_strong or target_quality, not both`);
      continue;
    }
    try {
      // `stored:<name>`: a router uploaded through /admin/routers, copied to every node's data dir.
      const stored = auto.router.startsWith(STORED_ROUTER_PREFIX) ? auto.router.slice(STORED_ROUTER_PREFIX.length) : undefined;
      const path = stored !== undefined ? storedRouterPath(config.server.data_dir, stored) : resolvePath(auto.router);
      if (stored !== undefined && !existsSync(path)) {
        problems.push(`models.${name}.auto.router: no stored router '${stored}'; upload it with PUT /admin/routers/${stored}`);
        continue;
      }
      const router = loadRouterFile(path);
      models.register({
        name,
        description: model.description,
        routes: [],
        strategy: model.strategy,
        origin: "config",
        auto: {
          router,
          strong: auto.strong,
          weak: auto.weak,
          middle: auto.middle,
          threshold: auto.threshold,
          targetStrong: targetShare(auto, router),
          budgetFloor: auto.budget_floor,
          crossTierFallback: auto.cross_tier_fallback,
          collectSamples: auto.collect_samples,
          sampleRetentionDays: auto.sample_retention_days,
        },
      });
    } catch (error) {
      problems.push(`models.${name}.auto.router: ${(error as Error).message}`);
    }
  }

  // Tiers are checked once every entry exists, so they may name models declared later in the file.
  for (const entry of models.list()) {
    if (!entry.auto) continue;
    const tiers = [
      { path: "strong", target: entry.auto.strong },
      ...entry.auto.middle.map((tier, index) => ({ path: `middle[${index}].model`, target: tier.model })),
      { path: "weak", target: entry.auto.weak },
    ];
    for (const { path, target } of tiers) {
      try {
        const resolved = models.resolve(target);
        if (resolved.auto) problems.push(`models.${entry.name}.auto.${path}: "${target}" is itself a type auto model`);
      } catch (error) {
        if (error instanceof SwitchyardError) problems.push(`models.${entry.name}.auto.${path}: no model or provider route "${target}"`);
        else throw error;
      }
    }
    const shares = entry.auto.targetStrong + entry.auto.middle.reduce((sum, tier) => sum + tier.share, 0);
    if (entry.auto.middle.length > 0 && entry.auto.threshold !== undefined) {
      problems.push(`models.${entry.name}.auto.threshold: a fixed threshold cannot be combined with middle tiers (use target_strong)`);
    }
    if (shares > 1 + 1e-9) problems.push(`models.${entry.name}.auto.middle: target_strong plus the middle shares is ${shares.toFixed(2)}, more than 1`);
  }
}
