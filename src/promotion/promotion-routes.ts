/**
 * `/admin/promotions` behind the admin guard. Creating one changes routing every project shares (an
 * auto model's weak tier, a deployment), so it takes the master key, which names the project whose
 * log gives the held-out set and who owns the record. A project's admin and viewer keys read their
 * own project's promotions; its admin key may roll one back. Another project's answers 404.
 */
import { z } from "zod";
import { SwitchyardError } from "../core/errors.js";
import { recordAuditBefore } from "../control/audit/audit-hooks.js";
import { adminAccessOf, adminProjectScope, requireGlobalAdmin } from "../http/admin-guard.js";
import { parseBody, parseParam } from "../http/parse-body.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import { errorBody, errorHeaders } from "../http/wire-error.js";
import { HeldOutError } from "./held-out.js";
import type { PromotionService } from "./promotion-service.js";
import { promotionNotFound, type PromotionStore } from "./promotion-store.js";
import { promotionView } from "./promotion-view.js";
import { promotionRequestSchema } from "./request-schema.js";

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

export function promotionRoutes(options: { service: PromotionService; store: PromotionStore }): RouteRegistrar {
  const { service, store } = options;
  return (app) => {
    app.post("/admin/promotions", async (request, reply) => {
      const access = requireGlobalAdmin(request);
      const body = parseBody(promotionRequestSchema, request.body);
      try {
        return promotionView(await service.create(body, body.project_id ?? "default", access.keyId));
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
