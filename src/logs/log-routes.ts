import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { SwitchyardError } from "../core/errors.js";
import { recordAuditBefore } from "../control/audit/audit-hooks.js";
import { adminAccessOf, adminProjectScope } from "../http/admin-guard.js";
import { parseBody, parseParam } from "../http/parse-body.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { JournaledWriter } from "../storage/journal/journaled-writer.js";
import { searchWords } from "./log-search.js";
import type { LogCursor, LogFilter, LogStore } from "./log-store.js";
import { detailView, summaryView } from "./log-view.js";
import type { LogRow } from "./log-writer.js";

/** An instant as ISO 8601 or epoch milliseconds. */
export const instantSchema = z.union([
  z.string().regex(/^\d{1,15}$/).transform(Number),
  z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), "an ISO 8601 time or epoch milliseconds")
    .transform((value) => Date.parse(value)),
]);

const booleanText = z.enum(["true", "false"]).transform((value) => value === "true");

/** The log query as URL parameters; shared by `GET /admin/logs` and the dataset builder. */
export const logQueryFields = {
  project_id: z.string().min(1).max(128).optional(),
  key_id: z.string().min(1).max(128).optional(),
  model: z.string().min(1).max(256).optional(),
  deployment: z.string().min(1).max(256).optional(),
  status: z.enum(["success", "error", "aborted"]).optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  rated: booleanText.optional(),
  min_score: z.coerce.number().min(0).max(1).optional(),
  max_score: z.coerce.number().min(0).max(1).optional(),
  q: z.string().min(1).max(500).optional(),
};

export const logListQuerySchema = z
  .object({
    ...logQueryFields,
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, "a cursor from an earlier page's next_cursor").optional(),
  })
  .strict();

export const logDetailQuerySchema = z.object({ project_id: z.string().min(1).max(128).optional(), view: z.enum(["masked", "unmasked"]).default("masked") }).strict();
export const logDeleteQuerySchema = z.object({ project_id: z.string().min(1).max(128).optional() }).strict();
const requestIdSchema = z.string().min(1).max(128);

/** Stored project key of an API project id: callers without a project are shown as "default". */
export function projectKeyFromApi(projectId: string | undefined): string | undefined {
  if (projectId === undefined) return undefined;
  return projectId === "default" ? "" : projectId;
}

/** The project filter an admin caller may use, as stored. */
export function scopedProjectKey(request: FastifyRequest, requested: string | undefined): string | undefined {
  return projectKeyFromApi(adminProjectScope(request, requested));
}

type Query = z.infer<z.ZodObject<typeof logQueryFields>>;

/** A query's fields as a store filter; a text query without a single word is refused, not run. */
export function filterOf(query: Query, projectKey: string | undefined): LogFilter {
  let words: string[] | undefined;
  if (query.q !== undefined) {
    words = searchWords(query.q);
    if (words.length === 0) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'q': it needs at least one word (letters or digits).", { param: "q" });
  }
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'to': it must be later than 'from'.", { param: "to" });
  }
  return {
    projectKey,
    keyId: query.key_id,
    model: query.model,
    deployment: query.deployment,
    status: query.status,
    from: query.from,
    to: query.to,
    rated: query.rated,
    minScore: query.min_score,
    maxScore: query.max_score,
    words,
  };
}

function cursorOf(text: string | undefined): LogCursor | undefined {
  if (text === undefined) return undefined;
  const at = text.indexOf(":");
  return { createdAt: Number(text.slice(0, at)), id: text.slice(at + 1) };
}

/**
 * `/admin/logs` behind the admin guard: the master key sees every project, a project's admin or
 * viewer key its own (another project's request answers 404). Reads flush the journal first, so a
 * request that just ended is found; deletions flush first too, so no journaled copy comes back.
 */
export function logRoutes(options: { store: LogStore; writer: JournaledWriter<LogRow> }): RouteRegistrar {
  const { store, writer } = options;
  const notFound = (requestId: string) => new SwitchyardError("SWY_ERR_NOT_FOUND", `No stored request '${requestId}'.`, { param: "request_id" });
  return (app) => {
    app.get("/admin/logs", async (request) => {
      const query = parseBody(logListQuerySchema, { ...(request.query as Record<string, unknown>) });
      const filter = filterOf(query, scopedProjectKey(request, query.project_id));
      await writer.flush();
      const rows = await store.list(filter, { limit: query.limit + 1, after: cursorOf(query.cursor) });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return { object: "list", data: page.map(summaryView), has_more: rows.length > query.limit, next_cursor: rows.length > query.limit && last ? `${last.created_at}:${last.id}` : null };
    });

    app.get<{ Params: { request_id: string } }>("/admin/logs/:request_id", async (request) => {
      const requestId = parseParam(requestIdSchema, request.params.request_id, "request_id");
      const query = parseBody(logDetailQuerySchema, { ...(request.query as Record<string, unknown>) });
      const projectKey = scopedProjectKey(request, query.project_id);
      // The unmasked view is for administrators: a viewer key reads the masked view only.
      if (query.view === "unmasked" && adminAccessOf(request).role !== "admin") {
        throw new SwitchyardError("SWY_ERR_FORBIDDEN", "The unmasked view needs the master key or a key with role 'admin'.", { param: "view" });
      }
      await writer.flush();
      const [row] = await store.list({ requestId, projectKey }, { limit: 1 });
      if (!row) throw notFound(requestId);
      const unmasked = query.view === "unmasked" && (row.unmasked_request_json !== null || row.unmasked_response_json !== null);
      return detailView(row, unmasked ? "unmasked" : "masked");
    });

    app.delete<{ Params: { request_id: string } }>("/admin/logs/:request_id", async (request) => {
      const requestId = parseParam(requestIdSchema, request.params.request_id, "request_id");
      const query = parseBody(logDeleteQuerySchema, { ...(request.query as Record<string, unknown>) });
      const projectKey = scopedProjectKey(request, query.project_id);
      await writer.flush();
      // The audit entry names what went, never its text: a deletion must not leave a copy behind.
      recordAuditBefore(request, { request_id: requestId });
      const deleted = await store.deleteRequest(requestId, projectKey);
      if (deleted === 0) throw notFound(requestId);
      return { object: "request_log.deleted", request_id: requestId, deleted };
    });

    app.delete("/admin/logs", async (request) => {
      const query = parseBody(logDeleteQuerySchema, { ...(request.query as Record<string, unknown>) });
      if (query.project_id === undefined) {
        throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Name the project whose stored requests go: DELETE /admin/logs?project_id=<id>.", { param: "project_id" });
      }
      const projectKey = scopedProjectKey(request, query.project_id)!;
      await writer.flush();
      recordAuditBefore(request, { project_id: query.project_id });
      const deleted = await store.deleteProject(projectKey);
      return { object: "request_log.deleted", project_id: query.project_id, deleted };
    });
  };
}
