import type { RouteRegistrar } from "../server.js";
import type { ControlPlane } from "../../control/control-plane.js";
import { requireMaster } from "./admin-auth.js";
import { registerCredentialRoutes } from "./credential-routes.js";
import { registerKeyRoutes } from "./key-routes.js";
import { registerProjectRoutes } from "./project-routes.js";
import { registerAdminUsageRoutes, registerKeyUsageRoutes } from "./usage-routes.js";

/** `/admin/*` (master key only) and the per-key `/v1/usage`. */
export function controlPlaneRoutes(control: ControlPlane): RouteRegistrar {
  return async (app, gateway) => {
    await app.register(
      async (admin) => {
        admin.addHook("onRequest", (request) => requireMaster(request, gateway));
        registerProjectRoutes(admin, control);
        registerKeyRoutes(admin, control);
        registerCredentialRoutes(admin, control);
        registerAdminUsageRoutes(admin, control);
      },
      { prefix: "/admin" },
    );
    registerKeyUsageRoutes(app, control);
  };
}
