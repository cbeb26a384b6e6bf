/** `/admin/routers`: router files stored in the database, shared by every node (master key only). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";
import { requireGlobalAdmin } from "../../http/admin-guard.js";
import type { RouteRegistrar } from "../../http/route-registrar.js";
import { STORED_ROUTER_PREFIX, storedRouterNamePattern, type StoredRouters } from "./stored-routers.js";

/** What the routes answer (also the OpenAPI document's schemas). */
export const storedRouterSchema = z.object({ object: z.literal("router"), name: z.string(), reference: z.string(), bytes: z.number().int().optional() });
export const storedRouterListSchema = z.object({ object: z.literal("list"), data: z.array(storedRouterSchema) });
export const storedRouterDeletedSchema = z.object({ object: z.literal("router"), name: z.string(), deleted: z.literal(true) });

export interface RouterRoutesOptions {
  routers: StoredRouters;
  /** The `stored:<name>` references the serving config makes (a router in use cannot be deleted). */
  inUse: () => string[];
  /** After a change: every node refreshes its copies and its runtime. */
  changed: (name: string) => Promise<void>;
}

function routerName(value: string): string {
  if (!storedRouterNamePattern.test(value)) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid router name '${value}': letters, digits, . _ - only, at most 64.`, { param: "name" });
  }
  return value;
}

export function routerRoutes(options: RouterRoutesOptions): RouteRegistrar {
  return async (app: FastifyInstance) => {
    await app.register(
      async (admin) => {
        admin.addHook("onRequest", async (request) => void requireGlobalAdmin(request));
        admin.get("/", async () => ({ object: "list", data: (await options.routers.names()).map((name) => ({ object: "router", name, reference: `${STORED_ROUTER_PREFIX}${name}` })) }));
        admin.put<{ Params: { name: string } }>("/:name", async (request) => {
          const name = routerName(request.params.name);
          const stored = await options.routers.put(name, request.body);
          await options.changed(name);
          return { object: "router", ...stored, reference: `${STORED_ROUTER_PREFIX}${name}` };
        });
        admin.delete<{ Params: { name: string } }>("/:name", async (request) => {
          const name = routerName(request.params.name);
          if (options.inUse().includes(name)) {
            throw new SwitchyardError("SWY_ERR_CONFLICT", `The router '${name}' is in use by a model (auto.router: ${STORED_ROUTER_PREFIX}${name}); change the model first.`);
          }
          await options.routers.delete(name);
          await options.changed(name);
          return { object: "router", name, deleted: true };
        });
      },
      { prefix: "/admin/routers" },
    );
  };
}
