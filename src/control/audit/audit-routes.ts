import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { adminProjectScope } from "../../http/admin-guard.js";
import { parseBody } from "../../http/parse-body.js";
import type { AdminAuditStore } from "./audit-store.js";

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "an ISO 8601 time");

export const auditQuerySchema = z
  .object({
    project_id: z.string().min(1).optional(),
    key_id: z.string().min(1).optional(),
    since: isoTime.optional(),
    before: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** GET /admin/audit: mutating admin calls, newest first; a project key sees its own project's only. */
export function registerAdminAuditRoutes(app: FastifyInstance, store: AdminAuditStore): void {
  app.get("/admin/audit", async (request) => {
    const query = parseBody(auditQuerySchema, { ...(request.query as Record<string, unknown>) });
    const entries = await store.query({
      projectId: adminProjectScope(request, query.project_id),
      keyId: query.key_id,
      since: query.since === undefined ? undefined : Date.parse(query.since),
      before: query.before === undefined ? undefined : Date.parse(query.before),
      limit: query.limit,
    });
    return {
      object: "list",
      data: entries.map((entry) => ({
        id: entry.id,
        object: "admin.audit_entry",
        at: new Date(entry.at).toISOString(),
        key_id: entry.keyId,
        project_id: entry.projectId ?? null,
        method: entry.method,
        path: entry.path,
        status: entry.status,
        before: entry.before ?? null,
        after: entry.after ?? null,
      })),
    };
  });
}
