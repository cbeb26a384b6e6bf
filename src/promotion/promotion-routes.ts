/**
 * `/admin/promotions` behind the admin guard. The master key promotes for any project (`project_id`:
 * whose log gives the held-out set and who owns the record) into auto models and deployments; a
 * project's admin key promotes for its own project into deployments it owns, and rolls its own back;
 * a viewer key reads. Another project's promotion answers 404.
 */
import { z } from "zod";
import { SwitchyardError } from "../core/errors.js";
import { recordAuditBefore } from "../control/audit/audit-hooks.js";
import type { DeploymentStore } from "../customization/deployments/deployment-store.js";
import { adminAccessOf, adminProjectScope } from "../http/admin-guard.js";
import { parseBody, parseParam } from "../http/parse-body.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import { errorBody, errorHeaders } from "../http/wire-error.js";
import { HeldOutError } from "./held-out.js";
import type { PromotionService } from "./promotion-service.js";
import { promotionNotFound, type PromotionStore } from "./promotion-store.js";
import { promotionView } from "./promotion-view.js";
import { promotionRequestSchema } from "./request-schema.js";
import type { PromotionRequest } from "./types.js";

export const promotionListQuerySchema = z
  .object({
    project_id: z.string().min(1).max(128).optional(),
    status: z.enum(["evaluating", "promoted", "refused", "failed", "rolling_back", "rolled_back"]).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    /** Unix seconds: only promotions created before it (the next page starts at the last `created_at`). */
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();

export const promotionRollbackSchema = z.object({ reason: z.string().min(1).max(500).optional() }).strict();

const idSchema = z.string().regex(/^prm_[A-Za-z0-9]{1,40}$/, "a promotion id (prm_...)");

/**
 * What a project's admin key may promote into: a deployment its project owns. An auto model (and a
 * deployment from the config file) serves every project, so changing it takes the master key.
 */
function ownTarget(body: PromotionRequest, projectId: string, deployments: DeploymentStore): void {
  if (body.auto_model !== undefined) {
    throw new SwitchyardError("SWY_ERR_FORBIDDEN", "Promoting into an auto model changes routing every project shares: it needs the master key.");
  }
  const deployment = body.deployment === undefined ? undefined : deployments.visible(body.deployment, projectId);
  if (deployment && deployment.project_id === null) {
    throw new SwitchyardError("SWY_ERR_FORBIDDEN", `The deployment '${body.deployment}' comes from the config file and serves every project: promoting into it needs the master key.`);
  }
}

export function promotionRoutes(options: { service: PromotionService; store: PromotionStore; deployments: DeploymentStore }): RouteRegistrar {
  const { service, store, deployments } = options;
  return (app) => {
    app.post("/admin/promotions", async (request, reply) => {
      const access = adminAccessOf(request);
      const body = parseBody(promotionRequestSchema, request.body);
      const projectId = adminProjectScope(request, body.project_id) ?? "default";
      if (access.projectId !== undefined) ownTarget(body, access.projectId, deployments);
      try {
        return promotionView(await service.create(body, projectId, access.keyId));
      } catch (error) {
        if (!(error instanceof HeldOutError)) throw error;
        // The dataset builder's refusal shape: the counts beside the message.
        const wire = errorBody(error, "openai") as { error: Record<string, unknown> };
        wire.error.counts = error.counts;
        return reply.code(error.status).headers(errorHeaders(error)).send(wire);
      }
    });

    app.get("/admin/promotions", async (request) => {
      const query = parseBody(promotionListQuerySchema, { ...(request.query as Record<string, unknown>) });
      const projectId = adminProjectScope(request, query.project_id);
      const page = await store.list({ projectId, status: query.status, limit: query.limit + 1, before: query.before === undefined ? undefined : query.before * 1000 });
      return { object: "list", data: page.slice(0, query.limit).map(promotionView), has_more: page.length > query.limit };
    });

    app.get<{ Params: { id: string } }>("/admin/promotions/:id", async (request) => {
      const id = parseParam(idSchema, request.params.id, "id");
      return promotionView(await store.require(id, adminAccessOf(request).projectId));
    });

    app.post<{ Params: { id: string } }>("/admin/promotions/:id/rollback", async (request) => {
      const id = parseParam(idSchema, request.params.id, "id");
      const body = parseBody(promotionRollbackSchema, request.body ?? {});
      const access = adminAccessOf(request);
      const record = await store.get(id, access.projectId);
      if (!record) throw promotionNotFound(id);
      if (record.status !== "promoted") throw new SwitchyardError("SWY_ERR_CONFLICT", `Promotion ${id} is ${record.status}; only a promotion in force can be rolled back.`);
      recordAuditBefore(request, { status: record.status, applied: record.applied });
      return promotionView(await service.rollback(id, access.projectId, access.keyId, body.reason ?? "rolled back by hand"));
    });
  };
}
