import type { FastifyInstance } from "fastify";
import { adminAccessOf } from "../../http/admin-guard.js";

/**
 * `GET /admin/access`: what the calling key may do on the admin API, so a client (the console) can show only
 * what the key can use. Member keys never get here: the guard answers them 403 like any admin route.
 */
export function registerAccessRoutes(app: FastifyInstance): void {
  app.get("/access", async (request) => {
    const access = adminAccessOf(request);
    return {
      object: "admin_access",
      key_id: access.keyId,
      role: access.role,
      project_id: access.projectId ?? null,
      scope: access.projectId === undefined ? "global" : "project",
    };
  });
}
