import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { SwitchyardError } from "../core/errors.js";
import { credentialFromHeaders } from "../gateway/auth.js";
import type { Gateway } from "../gateway/gateway.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Admin routes need the master key when one is configured (without one the gateway binds to loopback only). */
function requireMasterKey(request: FastifyRequest, masterKey: string | undefined): void {
  if (masterKey === undefined) return;
  const credential = credentialFromHeaders(request.headers);
  if (credential === undefined || credential === "") {
    throw new SwitchyardError("SWY_ERR_UNAUTHORIZED", "Missing API key. Admin routes need the master key as 'Authorization: Bearer <key>'.");
  }
  if (!timingSafeEqual(digest(credential), digest(masterKey))) {
    throw new SwitchyardError("SWY_ERR_FORBIDDEN", "Admin routes need the master key.");
  }
}

/** GET /admin/routing/breakers: circuit-breaker state per provider endpoint. */
export function registerRoutingAdminRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get("/admin/routing/breakers", async (request) => {
    requireMasterKey(request, gateway.runtime.masterKey);
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
