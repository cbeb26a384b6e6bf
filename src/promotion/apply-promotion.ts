/**
 * What a passed gate changes, and how a rollback puts it back. An auto model's new weak tier and
 * router go through the same paths as the admin API (`/admin/models`, `/admin/routers`): the router
 * file into the shared store, the model entry into the config overlay, each applied by a validated
 * reload here and announced on the change bus so every node swaps without a restart. A deployment
 * gets a new version with the candidate as a variant at the canary share.
 */
import { changeTopics } from "../cluster/topics.js";
import type { LiveRuntime } from "../config/live-runtime.js";
import type { ConfigOverlayStore, StoredEntry } from "../config/overlay-store.js";
import type { ConfigReloader } from "../config/reloader.js";
import { SwitchyardError } from "../core/errors.js";
import type { DeploymentStore } from "../customization/deployments/deployment-store.js";
import type { DeploymentSpec } from "../customization/deployments/spec.js";
import type { RouterFile } from "../routing/auto/router-file.js";
import { STORED_ROUTER_PREFIX, type StoredRouters } from "../routing/auto/stored-routers.js";
import type { AppliedChange } from "./types.js";

export interface PromotionTargets {
  runtime: LiveRuntime;
  entries: ConfigOverlayStore;
  reloader: ConfigReloader;
  routers: StoredRouters;
  deployments: DeploymentStore;
  publish(topic: string, payload?: string): Promise<void>;
}

/** The auto model's config as it serves now: the admin API's entry when there is one, else the file's. */
export function autoModelConfig(targets: PromotionTargets, name: string): { body: Record<string, unknown>; auto: { strong: string; weak: string; router: string } } {
  const model = targets.runtime.config.models[name];
  if (!model || model.type !== "auto" || !model.auto) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for 'auto_model': '${name}' is not a configured model of type auto.`, { param: "auto_model" });
  }
  return { body: JSON.parse(JSON.stringify(model)) as Record<string, unknown>, auto: model.auto };
}

/** The current model of a deployment: its `model`, or its heaviest variant's. */
export function deploymentModelOf(spec: DeploymentSpec): string {
  if (spec.model !== undefined) return spec.model;
  const variants = [...(spec.variants ?? [])].sort((left, right) => right.weight - left.weight);
  return variants[0]!.model;
}

/** The deployment with the candidate as one more variant taking `share` of the traffic. */
export function withCanary(spec: DeploymentSpec, candidate: string, share: number): DeploymentSpec {
  const current = spec.variants ?? [{ name: "current", model: spec.model!, weight: 1 }];
  const total = current.reduce((sum, variant) => sum + variant.weight, 0);
  const scaled = current.map((variant) => ({ ...variant, weight: total === 0 ? 0 : (variant.weight / total) * (1 - share) }));
  const names = new Set(scaled.map((variant) => variant.name));
  let name = "promoted";
  for (let index = 2; names.has(name); index++) name = `promoted-${index}`;
  const next: DeploymentSpec = { ...spec, variants: [...scaled, { name, model: candidate, weight: share }] };
  delete next.model;
  return next;
}

async function applyModelEntry(targets: PromotionTargets, name: string, body: Record<string, unknown>, what: string): Promise<StoredEntry | undefined> {
  let previous: StoredEntry | undefined;
  const outcome = await targets.reloader.change(
    async () => void (previous = await targets.entries.put("model", name, body)),
    () => targets.entries.restore("model", name, previous),
  );
  if (!outcome.applied) throw new SwitchyardError("SWY_ERR_CONFLICT", `${what}; nothing changed: ${outcome.problems.join("; ")}`);
  return previous;
}

export async function promoteWeakTier(
  targets: PromotionTargets,
  input: { autoModel: string; weakTier: string; routerName: string; router: RouterFile; rows: { samples: number; evaluation: number } },
): Promise<NonNullable<AppliedChange["auto_model"]>> {
  const current = autoModelConfig(targets, input.autoModel);
  const previousEntry = (await targets.entries.get("model", input.autoModel)) ?? null;
  await targets.routers.put(input.routerName, input.router);
  // The router file first: a node that reloads the model must already find the file it names.
  await targets.publish(changeTopics.routers, input.routerName);
  const auto = { ...(current.body.auto as Record<string, unknown>), weak: input.weakTier, router: `${STORED_ROUTER_PREFIX}${input.routerName}` };
  try {
    await applyModelEntry(targets, input.autoModel, { ...current.body, auto }, `The auto model '${input.autoModel}' could not take the candidate as its weak tier`);
  } catch (error) {
    await targets.routers.delete(input.routerName).catch(() => undefined);
    throw error;
  }
  return {
    name: input.autoModel,
    previous_entry: previousEntry ? { ...previousEntry } : null,
    previous_weak: current.auto.weak,
    previous_router: current.auto.router,
    router: `${STORED_ROUTER_PREFIX}${input.routerName}`,
    router_rows: input.rows,
  };
}

export async function restoreWeakTier(targets: PromotionTargets, applied: NonNullable<AppliedChange["auto_model"]>): Promise<void> {
  const previous = applied.previous_entry as StoredEntry | null;
  const outcome = await targets.reloader.change(
    async () => {
      if (previous) await targets.entries.restore("model", applied.name, previous);
      else await targets.entries.delete("model", applied.name);
    },
    async () => undefined,
  );
  if (!outcome.applied) throw new SwitchyardError("SWY_ERR_CONFLICT", `The auto model '${applied.name}' could not be restored: ${outcome.problems.join("; ")}`);
  const routerName = applied.router.slice(STORED_ROUTER_PREFIX.length);
  await targets.routers.delete(routerName).catch(() => undefined);
  await targets.publish(changeTopics.routers, routerName);
}

export async function promoteCanary(
  targets: PromotionTargets,
  input: { deployment: string; candidate: string; share: number },
): Promise<NonNullable<AppliedChange["deployment"]>> {
  const active = targets.deployments.get(input.deployment);
  if (!active) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for 'deployment': no deployment '${input.deployment}'.`, { param: "deployment" });
  const saved = await targets.deployments.save(input.deployment, withCanary(active.spec, input.candidate, input.share), "api", active.project_id);
  await targets.publish(changeTopics.deployments, input.deployment);
  return { name: input.deployment, previous_version: active.version, version: saved.version, canary_share: input.share };
}

export async function restoreCanary(targets: PromotionTargets, applied: NonNullable<AppliedChange["deployment"]>): Promise<void> {
  const active = targets.deployments.get(applied.name);
  if (!active) return;
  if (active.version !== applied.version) {
    throw new SwitchyardError(
      "SWY_ERR_CONFLICT",
      `The deployment '${applied.name}' changed since the promotion (version ${active.version}, promoted as ${applied.version}); roll it back by hand (POST /admin/deployments/${applied.name}/rollback).`,
    );
  }
  const previous = (await targets.deployments.versions(applied.name)).find((version) => version.version === applied.previous_version);
  if (!previous) throw new SwitchyardError("SWY_ERR_CONFLICT", `The deployment '${applied.name}' no longer has version ${applied.previous_version}.`);
  await targets.deployments.save(applied.name, previous.spec, "api", active.project_id);
  await targets.publish(changeTopics.deployments, applied.name);
}
