import type { RouteRegistrar } from "../../http/route-registrar.js";
import type { ControlPlane } from "../../control/control-plane.js";
import { registerAdminAuditRoutes } from "../../control/audit/audit-routes.js";
import { registerAccessRoutes } from "./access-routes.js";
import { registerCredentialRoutes } from "./credential-routes.js";
import { registerModelHealthRoutes } from "./model-health-routes.js";
import { registerKeyRoutes } from "./key-routes.js";
import { registerProjectRoutes } from "./project-routes.js";
import { registerAdminUsageRoutes, registerKeyUsageRoutes } from "./usage-routes.js";

/** `/admin/*` (behind the one admin guard, see src/http/admin-guard.ts) and the per-key `/v1/usage`. */
export function controlPlaneRoutes(control: ControlPlane): RouteRegistrar {
  return async (app, gateway) => {
    await app.register(
      async (admin) => {
        registerProjectRoutes(admin, control);
        registerKeyRoutes(admin, control);
        registerCredentialRoutes(admin, control);
        registerAdminUsageRoutes(admin, control);
        registerAccessRoutes(admin);
        registerModelHealthRoutes(admin, control, gateway);
      },
      { prefix: "/admin" },
    );
    registerAdminAuditRoutes(app, control.audit);
    registerKeyUsageRoutes(app, control);
  };
}
