import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Selectable } from "kysely";
import { SwitchyardError } from "../../core/errors.js";
import type { ControlPlane } from "../../control/control-plane.js";
import type { UsageRecordTable } from "../../control/tables.js";
import { listUsageRecords, queryUsage, type UsageFilter } from "../../control/usage/usage-queries.js";
import { adminProjectScope } from "../../http/admin-guard.js";
import { parseBody } from "../../http/parse-body.js";
import { usageQuerySchema } from "./schemas.js";

function parseQuery(request: FastifyRequest) {
  const query = parseBody(usageQuerySchema, request.query ?? {});
  const filter: UsageFilter = { from: query.from, to: query.to, projectId: query.project_id, keyId: query.key_id, model: query.model };
  return { query, filter };
}

function recordOut(row: Selectable<UsageRecordTable>) {
  return {
    id: row.id,
    object: "usage_record",
    request_id: row.request_id,
    created_at: row.created_at,
    key_id: row.key_id,
    project_id: row.project_id,
    api: row.api,
    model: row.model,
    provider: row.provider,
    provider_type: row.provider_type,
    upstream_model: row.upstream_model,
    input_tokens: row.input_tokens,
    output_tokens: row.output_tokens,
    cached_input_tokens: row.cached_input_tokens,
    estimated: row.estimated === 1,
    cost_usd: row.cost_usd,
    latency_ms: row.latency_ms,
    ttft_ms: row.ttft_ms,
    status: row.status,
    http_status: row.http_status,
    error_code: row.error_code,
    stream: row.stream === 1,
    router_decision: row.router_decision === null ? null : (JSON.parse(row.router_decision) as unknown),
  };
}

async function answer(control: ControlPlane, request: FastifyRequest, scope: (filter: UsageFilter) => UsageFilter) {
  const { query, filter } = parseQuery(request);
  const groups = await queryUsage(control.storage.db, scope(filter), query.group_by);
  return { object: "list", data: groups.map(groupOut) };
}

function groupOut(group: Awaited<ReturnType<typeof queryUsage>>[number]) {
  const { key, project, model, day, hour, provider, requests, errors, inputTokens, outputTokens, cachedInputTokens, costUsd } = group;
  return {
    ...(key !== undefined && { key_id: key }),
    ...(project !== undefined && { project_id: project }),
    ...(model !== undefined && { model }),
    ...(day !== undefined && { day }),
    ...(hour !== undefined && { hour }),
    ...(provider !== undefined && { provider }),
    requests,
    errors,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cached_input_tokens: cachedInputTokens,
    cost_usd: costUsd,
  };
}

/** `/admin/usage`: every project for the master key, its own for a project admin or viewer. */
export function registerAdminUsageRoutes(app: FastifyInstance, control: ControlPlane): void {
  const scoped = (request: FastifyRequest) => (filter: UsageFilter): UsageFilter => ({ ...filter, projectId: adminProjectScope(request, filter.projectId) });
  app.get("/usage", (request) => answer(control, request, scoped(request)));
  app.get("/usage/records", async (request) => {
    const { query, filter } = parseQuery(request);
    const rows = await listUsageRecords(control.storage.db, scoped(request)(filter), query.limit ?? 100);
    return { object: "list", data: rows.map(recordOut) };
  });
}

/**
 * `/v1/usage` for virtual keys: always narrowed to the caller's own project, so a key never sees
 * another project's usage. The master key sees everything.
 */
export function registerKeyUsageRoutes(app: FastifyInstance, control: ControlPlane): void {
  const scoped = (request: FastifyRequest) => (filter: UsageFilter): UsageFilter => {
    const principal = request.principal;
    // Without a master key the gateway serves loopback only and its caller is the operator.
    if (principal.keyId === "master" || principal.keyId === "anonymous") return filter;
    if (principal.projectId === undefined) throw new SwitchyardError("SWY_ERR_FORBIDDEN", "Usage is available to project keys and the master key.");
    if (filter.projectId !== undefined && filter.projectId !== principal.projectId) {
      throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No project with id '${filter.projectId}'.`, { param: "project_id" });
    }
    return { ...filter, projectId: principal.projectId };
  };
  app.get("/v1/usage", (request) => answer(control, request, scoped(request)));
  app.get("/v1/usage/records", async (request) => {
    const { query, filter } = parseQuery(request);
    const rows = await listUsageRecords(control.storage.db, scoped(request)(filter), query.limit ?? 100);
    return { object: "list", data: rows.map(recordOut) };
  });
}
