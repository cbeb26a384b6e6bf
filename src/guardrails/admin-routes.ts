import { z } from "zod";
import type { RouteRegistrar } from "../http/route-registrar.js";
import { parseBody } from "../http/parse-body.js";
import { adminProjectScope } from "../http/admin-guard.js";
import type { AuditLog } from "./audit-log.js";

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "an ISO 8601 time");

export const auditQuerySchema = z
  .object({
    request_id: z.string().min(1).optional(),
    key_id: z.string().min(1).optional(),
    project_id: z.string().min(1).optional(),
    category: z.string().min(1).optional(),
    action: z.enum(["mask", "redact", "block", "score", "route_local"]).optional(),
    since: isoTime.optional(),
    before: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** GET /admin/guardrails/audit (admin guard; a project key sees its own project): guardrail actions, newest first; filters as query parameters. */
export function guardrailsAdminRoutes(audit: AuditLog): RouteRegistrar {
  return (app) => {
    app.get("/admin/guardrails/audit", async (request) => {
      const query = parseBody(auditQuerySchema, { ...(request.query as Record<string, unknown>) });
      const entries = await audit.query({
        requestId: query.request_id,
        keyId: query.key_id,
        projectId: adminProjectScope(request, query.project_id),
        category: query.category,
        action: query.action,
        since: query.since === undefined ? undefined : new Date(query.since).toISOString(),
        before: query.before === undefined ? undefined : new Date(query.before).toISOString(),
        limit: query.limit,
      });
      return {
        object: "list",
        data: entries.map((entry) => ({
          id: entry.id,
          at: entry.at,
          request_id: entry.requestId,
          key_id: entry.keyId,
          project_id: entry.projectId ?? null,
          model: entry.model,
          provider: entry.provider ?? null,
          direction: entry.direction,
          category: entry.category,
          action: entry.action,
          count: entry.count,
          score: entry.score ?? null,
        })),
        has_more: entries.length === query.limit,
      };
    });
  };
}
