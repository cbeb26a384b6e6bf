/**
 * Gated promotion: a request is checked (candidate, target, held-out set) before anything is
 * recorded; the evaluation then runs in the background on this node (holding a lease), the gate
 * decides, and a pass changes the target (apply-promotion.ts). A refusal is recorded with its
 * figures and changes nothing. Rollbacks, by hand or automatic, put back what was replaced.
 */
import type { Kysely } from "kysely";
import { createId } from "../core/ids.js";
import { SwitchyardError } from "../core/errors.js";
import type { AdminAuditStore } from "../control/audit/audit-store.js";
import type { DetectorSet } from "../guardrails/detectors/index.js";
import type { LogStore } from "../logs/log-store.js";
import type { Logger } from "../observability/logger.js";
import type { RoutingSampleStore } from "../routing/feedback/sample-store.js";
import type { Database } from "../storage/database.js";
import { autoModelConfig, deploymentModelOf, promoteCanary, promoteWeakTier, restoreCanary, restoreWeakTier, type PromotionTargets } from "./apply-promotion.js";
import type { EvaluationOutput, PromotionEvaluator } from "./evaluator.js";
import { applyGate } from "./gate.js";
import { buildHeldOut, HeldOutError, type HeldOutSet } from "./held-out.js";
import { heldOutSchema } from "./request-schema.js";
import { liveFeedback } from "./live-feedback.js";
import type { PromotionStore } from "./promotion-store.js";
import { retrainRouter } from "./router-retrain.js";
import type { AppliedChange, ModelFigures, PromotionEvent, PromotionRecord, PromotionRequest } from "./types.js";

export interface PromotionServiceOptions {
  store: PromotionStore;
  targets: PromotionTargets;
  db: Kysely<Database>;
  logs: { store: LogStore; flush(): Promise<void> };
  detectors: DetectorSet;
  samples: RoutingSampleStore;
  audit: AdminAuditStore;
  /** Usage rows reach the database in batches; live feedback joins them. */
  flushUsage(): Promise<void>;
  /** Late-bound: the evaluation runner is built after this area. */
  evaluator(): PromotionEvaluator;
  nodeId: string;
  leaseMs: number;
  logger: Logger;
}

/** The models an evaluation compares, and the names the auto model's tiers use for them. */
interface Plan {
  strong: string;
  weak?: string;
  /** The candidate as a tier of the auto model (a run-time model goes by its route). */
  weakTier?: string;
  /** The project that owns the candidate (a fine-tune); undefined when every project may call it. */
  tierOwner?: string;
}

export class PromotionService {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: PromotionServiceOptions) {}

  /** Checks the request, records the promotion and starts its evaluation; 4xx for bad input, nothing recorded. */
  async create(request: PromotionRequest, projectId: string, keyId: string): Promise<PromotionRecord> {
    const plan = await this.plan(request, projectId);
    const heldOut = await this.heldOut(request.held_out, projectId);
    const routerSet = plan.weakTier === undefined ? undefined : await this.routerSet(request, plan, projectId, heldOut);
    const now = Date.now();
    const record: PromotionRecord = {
      id: createId("prm_", 20),
      projectId,
      keyId,
      candidate: request.candidate,
      autoModel: request.auto_model ?? null,
      deployment: request.deployment ?? null,
      status: "evaluating",
      request,
      evaluation: null,
      gate: null,
      applied: null,
      refusal: null,
      rollback: null,
      events: [
        { at: now, step: "created", message: `Promote ${request.candidate}${request.auto_model ? ` into ${request.auto_model} (weak tier)` : ""}${request.deployment ? ` into ${request.deployment} (${request.canary_share} canary)` : ""}.` },
        { at: now, step: "held_out", message: `${heldOut.examples.length} held-out example(s) (${heldOut.counts.matched} matched, ${heldOut.counts.kept} usable).` },
        ...(routerSet ? [{ at: now, step: "held_out" as const, message: `${routerSet.examples.length} example(s) to retrain the router on.` }] : []),
      ],
      createdAt: now,
      updatedAt: now,
      promotedAt: null,
    };
    await this.options.store.create(record, { owner: this.options.nodeId, until: now + this.options.leaseMs });
    const run = this.run(record, plan, heldOut, routerSet)
      .catch(async (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.options.logger.warn({ promotion: record.id, error: message }, "promotion failed");
        await this.options.store.transition(record.id, "evaluating", { status: "failed", refusal: { message } }, [{ step: "failed", message }]).catch(() => undefined);
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return record;
  }

  private heldOut(query: PromotionRequest["held_out"], projectId: string): Promise<HeldOutSet> {
    return buildHeldOut({ store: this.options.logs.store, detectors: this.options.detectors, query, projectId, flush: () => this.options.logs.flush() });
  }

  /** The router's training prompts: `router_set`, else the strong tier's logged answers, else the held-out set. */
  private async routerSet(request: PromotionRequest, plan: Plan, projectId: string, heldOut: HeldOutSet): Promise<HeldOutSet> {
    if (request.router_set) return this.heldOut(request.router_set, projectId);
    try {
      return await this.heldOut(heldOutSchema.parse({ model: plan.strong, split: "all", seed: request.held_out.seed }), projectId);
    } catch (error) {
      if (error instanceof HeldOutError) return heldOut;
      throw error;
    }
  }

  private async plan(request: PromotionRequest, projectId: string): Promise<Plan> {
    const models = this.options.targets.runtime.models;
    let candidate;
    try {
      candidate = models.resolve(request.candidate, projectId);
    } catch (error) {
      if (error instanceof SwitchyardError) throw new SwitchyardError("SWY_ERR_MODEL_NOT_FOUND", `Invalid value for 'candidate': no model '${request.candidate}' in this project.`, { param: "candidate" });
      throw error;
    }
    if (candidate.auto) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'candidate': a type auto model cannot be a tier.", { param: "candidate" });
    for (const target of [request.auto_model && { autoModel: request.auto_model }, request.deployment && { deployment: request.deployment }]) {
      if (!target) continue;
      const busy = (await this.options.store.inForce(target)).concat(await this.options.store.evaluatingOn(target));
      if (busy.length > 0) {
        throw new SwitchyardError("SWY_ERR_CONFLICT", `Promotion ${busy[0]!.id} is ${busy[0]!.status} on ${request.auto_model ?? request.deployment}; roll it back (or let it finish) first.`);
      }
    }
    let plan: Plan | undefined;
    if (request.auto_model !== undefined) {
      const { auto } = autoModelConfig(this.options.targets, request.auto_model);
      let weakTier = request.candidate;
      if (candidate.origin !== "config") {
        // A fine-tune is registered at run time, after config validation: the tier names its route.
        if (candidate.routes.length !== 1) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'candidate': it has several routes and is not a configured model.", { param: "candidate" });
        weakTier = `${candidate.routes[0]!.provider.name}/${candidate.routes[0]!.model}`;
      }
      if (weakTier === auto.strong || request.candidate === auto.strong) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'candidate': it is already the strong tier.", { param: "candidate" });
      plan = { strong: auto.strong, weak: auto.weak, weakTier, tierOwner: candidate.projectId };
    }
    if (request.deployment !== undefined) {
      // Another project's deployment reads like a missing one.
      const active = this.options.targets.deployments.visible(request.deployment, projectId);
      if (!active) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `Invalid value for 'deployment': no deployment '${request.deployment}'.`, { param: "deployment" });
      plan ??= { strong: request.strong ?? deploymentModelOf(active.spec) };
    }
    if (plan!.strong === request.candidate) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'candidate': it is the model it would be compared with.", { param: "candidate" });
    return plan!;
  }

  private async run(record: PromotionRecord, plan: Plan, heldOut: HeldOutSet, routerSet: HeldOutSet | undefined): Promise<void> {
    const { store } = this.options;
    const request = record.request;
    const models = [record.candidate, plan.strong, ...(plan.weak && plan.weak !== plan.weakTier ? [plan.weak] : [])];
    await store.note(record.id, [{ step: "evaluating", message: `Evaluating ${models.join(", ")} on ${heldOut.examples.length} held-out example(s).` }]);
    const output = await this.options.evaluator()({
      projectId: record.projectId,
      name: `promotion ${record.id}`,
      examples: heldOut.examples,
      models,
      baseline: plan.strong,
      scorers: request.scorers,
      seed: request.seed,
      parameters: request.parameters,
    });
    const figures = figuresOf(output, record.candidate, plan);
    const evaluation = { evaluation_id: output.evaluationId, held_out: { rows: heldOut.examples.length, counts: { ...heldOut.counts } }, models: figures };
    const gate = applyGate(request.gate, figures);
    const summary = figures.map((model) => `${model.role} ${model.model}: quality ${model.quality.mean.toFixed(3)}, $${model.cost_per_request_usd.toFixed(6)}/request`).join("; ");
    if (!gate.passed) {
      const failed = gate.checks.filter((check) => !check.passed);
      const message = `Refused by the gate: ${failed.map((check) => check.message).join(" ")}`;
      await store.transition(record.id, "evaluating", { status: "refused", evaluation, gate, refusal: { message } }, [
        { step: "evaluated", message: summary },
        { step: "refused", message },
      ]);
      return;
    }
    const events: Array<Omit<PromotionEvent, "at">> = [{ step: "evaluated", message: summary }, { step: "gate", message: "Every gate check passed." }];
    const routes = this.options.targets.runtime.models.resolve(record.candidate, record.projectId).routes;
    const applied: AppliedChange = { candidate_routes: routes.map((route) => ({ provider: route.provider.name, model: route.model })) };
    try {
      if (request.auto_model !== undefined && plan.weakTier !== undefined && routerSet) {
        const scored =
          routerSet === heldOut
            ? output
            : await this.options.evaluator()({
                projectId: record.projectId,
                name: `promotion ${record.id} (router)`,
                examples: routerSet.examples,
                models: [record.candidate, plan.strong],
                baseline: plan.strong,
                scorers: request.scorers,
                seed: request.seed,
                parameters: request.parameters,
              });
        const retrained = await retrainRouter({
          samples: this.options.samples,
          autoModel: request.auto_model,
          strong: plan.strong,
          weak: plan.weakTier,
          examples: routerSet.examples,
          strongScores: scored.scores[plan.strong] ?? [],
          weakScores: scored.scores[record.candidate] ?? [],
          targetQuality: request.router_target_quality,
          seed: request.seed,
        });
        const expected = retrained.file.qualityCurve?.[Math.round(retrained.file.targetStrong * 100)];
        events.push({
          step: "router",
          message:
            `Router retrained on ${retrained.rows.samples} rated sample(s) and ${retrained.rows.evaluation} evaluated example(s)` +
            (scored.evaluationId && scored !== output ? ` (evaluation ${scored.evaluationId})` : "") +
            `; its own threshold sends ${(retrained.file.targetStrong * 100).toFixed(0)}% to the strong model` +
            (expected === undefined ? "." : `, keeping ${(expected * 100).toFixed(0)}% of the strong model's quality gain on held-out folds.`),
        });
        const promoted = await promoteWeakTier(this.options.targets, {
          autoModel: request.auto_model,
          weakTier: plan.weakTier,
          routerName: `promotion-${record.id}`,
          router: retrained.file,
          rows: retrained.rows,
        });
        // A project's own model serves that project only: other projects' requests go to the nearest tier they can see.
        applied.auto_model = { ...promoted, tier_projects: plan.tierOwner === undefined ? null : [plan.tierOwner] };
      }
      if (request.deployment !== undefined) {
        applied.deployment = await promoteCanary(this.options.targets, { deployment: request.deployment, candidate: record.candidate, share: request.canary_share });
      }
    } catch (error) {
      await this.undo(applied);
      throw error;
    }
    events.push({ step: "applied", message: describeApplied(applied) });
    const promotedAt = Date.now();
    if (!(await store.transition(record.id, "evaluating", { status: "promoted", evaluation, gate, applied, promotedAt }, events))) {
      // Another node declared this evaluation abandoned meanwhile: what it decided stands.
      await this.undo(applied);
    }
  }

  private async undo(applied: AppliedChange): Promise<void> {
    if (applied.deployment) await restoreCanary(this.options.targets, applied.deployment).catch((error: unknown) => this.options.logger.error({ error }, "promotion: the deployment could not be restored"));
    if (applied.auto_model) await restoreWeakTier(this.options.targets, applied.auto_model).catch((error: unknown) => this.options.logger.error({ error }, "promotion: the auto model could not be restored"));
  }

  /**
   * Puts back what the promotion replaced. Exactly one caller wins (a conditional status change);
   * a promotion that is not in force is a 409.
   */
  async rollback(id: string, projectId: string | undefined, by: string, reason: string, live?: { count: number; mean: number; threshold: number }): Promise<PromotionRecord> {
    const { store } = this.options;
    const record = await store.require(id, projectId);
    if (record.status !== "promoted") throw new SwitchyardError("SWY_ERR_CONFLICT", `Promotion ${id} is ${record.status}; only a promotion in force can be rolled back.`);
    if (!(await store.transition(id, "promoted", { status: "rolling_back" }))) {
      throw new SwitchyardError("SWY_ERR_CONFLICT", `Promotion ${id} is being rolled back already.`);
    }
    const applied = record.applied ?? {};
    try {
      if (applied.deployment) await restoreCanary(this.options.targets, applied.deployment);
      if (applied.auto_model) await restoreWeakTier(this.options.targets, applied.auto_model);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await store.transition(id, "rolling_back", { status: "promoted" }, [{ step: "failed", message: `Rollback failed; still in force: ${message}` }]);
      throw error;
    }
    const rollback = { at: Date.now(), by, reason, ...(live ? { live } : {}) };
    await store.transition(id, "rolling_back", { status: "rolled_back", rollback }, [{ step: "rolled_back", message: `Rolled back (${by}): ${reason}` }]);
    // A rollback asked for through the API is recorded by the admin audit hooks; an automatic one here.
    if (by === "automatic") await this.recordAutomatic(record, rollback.at, reason, live);
    return store.require(id);
  }

  private async recordAutomatic(record: PromotionRecord, at: number, reason: string, live?: { count: number; mean: number; threshold: number }): Promise<void> {
    const applied = record.applied ?? {};
    const id = record.id;
    await this.options.audit.record({
      at,
      keyId: "promotion-monitor",
      projectId: record.projectId,
      method: "POST",
      path: `/admin/promotions/${id}/rollback`,
      status: 200,
      before: { status: "promoted", applied },
      after: { status: "rolled_back", reason, ...(live ? { live } : {}) },
    });
  }

  /**
   * One pass of the monitor: renews this node's evaluation leases, fails evaluations whose node is
   * gone, and rolls back promotions whose live ratings fell below the evaluated quality by the margin.
   */
  async check(now = Date.now()): Promise<void> {
    const { store } = this.options;
    await store.renew(this.options.nodeId, now + this.options.leaseMs);
    for (const id of await store.abandoned(now)) {
      await store.transition(id, "evaluating", { status: "failed", refusal: { message: "The node evaluating this promotion stopped; create it again." } }, [
        { step: "failed", message: "The node evaluating this promotion stopped." },
      ]);
    }
    const promoted = (await store.promoted()).filter((record) => record.request.rollback.automatic);
    if (promoted.length === 0) return;
    await this.options.flushUsage();
    for (const record of promoted) {
      const evaluated = record.evaluation?.models.find((model) => model.role === "candidate")?.quality.mean;
      if (evaluated === undefined || record.promotedAt === null || !record.applied) continue;
      const live = await liveFeedback(this.options.db, {
        since: record.promotedAt,
        targets: [record.autoModel, record.deployment].filter((name): name is string => name !== null),
        routes: candidateRoutes(record.applied),
      });
      const threshold = evaluated - record.request.rollback.margin;
      if (live.count < record.request.rollback.min_samples || live.mean >= threshold) continue;
      const reason = `Live ratings of the candidate's answers average ${live.mean.toFixed(3)} over ${live.count}, below its evaluated quality ${evaluated.toFixed(3)} minus the margin ${record.request.rollback.margin}.`;
      try {
        await this.rollback(record.id, undefined, "automatic", reason, { count: live.count, mean: live.mean, threshold });
        this.options.logger.warn({ promotion: record.id, live }, "promotion rolled back automatically");
      } catch (error) {
        // Another node won the rollback, or the restore was refused (recorded on the promotion).
        this.options.logger.debug({ promotion: record.id, error }, "automatic rollback not done here");
      }
    }
  }

  /** Waits for the evaluations this node is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

function candidateRoutes(applied: AppliedChange): Array<{ provider: string; model: string }> {
  return applied.candidate_routes ?? [];
}

function describeApplied(applied: AppliedChange): string {
  const parts: string[] = [];
  if (applied.auto_model) {
    const projects = applied.auto_model.tier_projects;
    const serves = projects ? ` (serving project ${projects.join(", ")} only; other projects are routed among the tiers they can see)` : "";
    parts.push(`${applied.auto_model.name}: weak tier ${applied.auto_model.previous_weak} -> the candidate${serves}, router ${applied.auto_model.router}`);
  }
  if (applied.deployment) parts.push(`${applied.deployment.name}: version ${applied.deployment.version} with the candidate at ${applied.deployment.canary_share} of traffic`);
  return `Promoted. ${parts.join("; ")}.`;
}

function figuresOf(output: EvaluationOutput, candidate: string, plan: Plan): ModelFigures[] {
  const roles: Array<[string, ModelFigures["role"]]> = [[candidate, "candidate"], [plan.strong, "strong"]];
  if (plan.weak && plan.weak !== plan.weakTier) roles.push([plan.weak, "weak"]);
  return roles.map(([model, role]) => {
    const found = output.models.find((entry) => entry.model === model);
    if (!found) throw new SwitchyardError("SWY_ERR_INTERNAL", `The evaluation reported no figures for '${model}'.`);
    return {
      model,
      role,
      rows: found.rows,
      errors: found.errors,
      quality: found.quality,
      cost_per_request_usd: found.cost.per_request_usd,
      latency_p50_ms: found.latency.p50_ms,
    };
  });
}
