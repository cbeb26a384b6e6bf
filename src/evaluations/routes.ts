import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { SwitchyardError } from "../core/errors.js";
import { recordAuditBefore } from "../control/audit/audit-hooks.js";
import { adminProjectScope } from "../http/admin-guard.js";
import { parseBody, parseParam } from "../http/parse-body.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import { isFinal } from "./store.js";
import type { Evaluations } from "./create-evaluations.js";
import type { EvaluationSpecInput } from "./types.js";

const projectField = { project_id: z.string().min(1).max(128).optional() };
export const evaluationListQuerySchema = z
  .object({ ...projectField, limit: z.coerce.number().int().min(1).max(100).default(20), after: z.string().min(1).max(128).optional() })
  .strict();
export const evaluationQuerySchema = z.object(projectField).strict();
export const evaluationRowsQuerySchema = z
  .object({
    ...projectField,
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
    model: z.string().min(1).max(256).optional(),
  })
  .strict();
const idSchema = z.string().min(1).max(128);

const notFound = (id: string) => new SwitchyardError("SWY_ERR_NOT_FOUND", `No evaluation with id '${id}'.`, { param: "evaluation_id" });

/**
 * `/admin/evaluations` behind the admin guard: the master key acts for any project (`project_id`,
 * default "default"), a project's admin key for its own; another project's evaluation is a 404.
 */
export function evaluationRoutes(evaluations: Evaluations): RouteRegistrar {
  const { store } = evaluations;
  const query = <Schema extends z.ZodType>(schema: Schema, request: FastifyRequest) => parseBody(schema, { ...(request.query as Record<string, unknown>) });
  const owned = async (request: FastifyRequest<{ Params: { id: string } }>, requested: string | undefined) => {
    const id = parseParam(idSchema, request.params.id, "evaluation_id");
    const record = await store.get(id, adminProjectScope(request, requested));
    if (!record) throw notFound(id);
    return record;
  };
  return (app) => {
    app.post("/admin/evaluations", async (request) => {
      const body = request.body;
      if (body === null || typeof body !== "object" || Array.isArray(body)) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The request body must be a JSON object.");
      const { project_id: requested, ...spec } = body as Record<string, unknown>;
      const projectId = parseParam(projectField.project_id, requested, "project_id");
      const scope = adminProjectScope(request, projectId) ?? "default";
      // Unchecked here on purpose: start() validates the spec and names the first bad field.
      const started = await evaluations.start(spec as EvaluationSpecInput, scope, { principal: request.principal });
      return started.record;
    });

    app.get("/admin/evaluations", async (request) => {
      const parsed = query(evaluationListQuerySchema, request);
      const page = await store.list(adminProjectScope(request, parsed.project_id), { limit: parsed.limit + 1, after: parsed.after });
      const data = page.slice(0, parsed.limit);
      return { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.length > parsed.limit };
    });

    app.get<{ Params: { id: string } }>("/admin/evaluations/:id", async (request) => owned(request, query(evaluationQuerySchema, request).project_id));

    app.get<{ Params: { id: string } }>("/admin/evaluations/:id/rows", async (request) => {
      const parsed = query(evaluationRowsQuerySchema, request);
      const record = await owned(request, parsed.project_id);
      const rows = await store.results(record.id, { limit: parsed.limit + 1, offset: parsed.offset, model: parsed.model });
      return { object: "list", evaluation_id: record.id, data: rows.slice(0, parsed.limit), has_more: rows.length > parsed.limit };
    });

    app.post<{ Params: { id: string } }>("/admin/evaluations/:id/cancel", async (request) => {
      const record = await owned(request, query(evaluationQuerySchema, request).project_id);
      if (isFinal(record.status)) throw new SwitchyardError("SWY_ERR_CONFLICT", `The evaluation '${record.id}' has already ended (${record.status}).`, { param: "evaluation_id" });
      await evaluations.cancel(record.id);
      return (await store.get(record.id)) ?? record;
    });

    app.delete<{ Params: { id: string } }>("/admin/evaluations/:id", async (request) => {
      const record = await owned(request, query(evaluationQuerySchema, request).project_id);
      recordAuditBefore(request, { id: record.id, project_id: record.project_id, name: record.name, status: record.status });
      if (!isFinal(record.status)) await evaluations.cancel(record.id);
      await store.delete(record.id, record.project_id);
      return { id: record.id, object: "evaluation.deleted", deleted: true };
    });
  };
}
