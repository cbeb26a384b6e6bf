import type { FastifyInstance } from "fastify";
import { requireGlobalAdmin } from "../http/admin-guard.js";
import type { Gateway } from "../gateway/gateway.js";

/** GET /admin/routing/breakers: circuit-breaker state per provider endpoint. */
export function registerRoutingAdminRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get("/admin/routing/breakers", async (request) => {
    requireGlobalAdmin(request);
    const now = Date.now();
    const breakers = await gateway.routing.services.breakers.snapshot(now);
    return {
      store: gateway.routing.services.breakers.kind,
      breakers: breakers.map((breaker) => ({
        key: breaker.key,
        state: breaker.state,
        consecutive_failures: breaker.consecutiveFailures,
        window_requests: breaker.windowRequests,
        window_failures: breaker.windowFailures,
        open_until: breaker.openUntil === undefined ? null : new Date(breaker.openUntil).toISOString(),
        opens: breaker.opens,
      })),
    };
  });
}
