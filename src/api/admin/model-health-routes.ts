import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ControlPlane } from "../../control/control-plane.js";
import { queryModelHealth } from "../../control/usage/model-health.js";
import { modelScope } from "../../gateway/context.js";
import type { Gateway } from "../../gateway/gateway.js";
import { adminAccessOf, adminProjectScope } from "../../http/admin-guard.js";
import { parseBody } from "../../http/parse-body.js";
import { routeKey } from "../../routing/balancer.js";
import { breakerKey } from "../../routing/fallback.js";

export const modelHealthQuerySchema = z
  .object({
    /** How far back "recent" reaches. */
    window_minutes: z.coerce.number().int().min(1).max(10_080).default(60),
    model: z.string().min(1).optional(),
    project_id: z.string().min(1).optional(),
  })
  .strict();

const round = (value: number | null, digits = 1) => (value === null ? null : Number(value.toFixed(digits)));

/**
 * `GET /admin/routing/health`: per public model, how it answered lately (requests, error rate, mean latency and
 * time to first token from the usage ledger, so every node's traffic counts) and, for the master key, each
 * route's live routing figures on this node (the balancer's latency estimate, requests in flight, breaker state).
 * A project key sees its own project's requests only, and no route figures (they mix every project's traffic).
 */
export function registerModelHealthRoutes(app: FastifyInstance, control: ControlPlane, gateway: Gateway): void {
  app.get("/routing/health", async (request) => {
    const query = parseBody(modelHealthQuerySchema, request.query ?? {});
    const projectId = adminProjectScope(request, query.project_id);
    const global = adminAccessOf(request).projectId === undefined;
    const now = Date.now();
    const since = now - query.window_minutes * 60_000;
    const health = new Map((await queryModelHealth(control.storage.db, { since, projectId, model: query.model })).map((row) => [row.model, row]));
    const entries = new Map(gateway.models.list(modelScope(request.principal)).map((entry) => [entry.name, entry]));
    const breakers = global ? new Map((await gateway.routing.services.breakers.snapshot(now)).map((breaker) => [breaker.key, breaker])) : new Map();
    const names = [...new Set([...entries.keys(), ...health.keys()])].filter((name) => query.model === undefined || name === query.model).sort();
    const stats = gateway.routing.services.stats;
    return {
      object: "list",
      window_minutes: query.window_minutes,
      since: new Date(since).toISOString(),
      data: names.map((name) => {
        const row = health.get(name);
        const requests = row?.requests ?? 0;
        const errors = row?.errors ?? 0;
        return {
          model: name,
          requests,
          errors,
          error_rate: requests === 0 ? null : round(errors / requests, 4),
          latency_ms_avg: round(row?.latencyMsAvg ?? null),
          ttft_ms_avg: round(row?.ttftMsAvg ?? null),
          last_request_at: row?.lastRequestAt ? new Date(row.lastRequestAt).toISOString() : null,
          ...(global && {
            routes: (entries.get(name)?.routes ?? []).map((route) => ({
              provider: route.provider.name,
              model: route.model,
              // The balancer's moving estimate of time to first part; failures count double, so it rises on errors too.
              balancer_latency_ms: round(stats.latencyOf(routeKey(route)) ?? null),
              in_flight: stats.busyOf(routeKey(route)),
              breaker: breakers.get(breakerKey(route))?.state ?? "closed",
            })),
          }),
        };
      }),
    };
  });
}
