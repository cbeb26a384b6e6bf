/** `/admin/deployments`: create or update (a new version), list, inspect versions, roll back, delete. Master key only. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";
import { requireGlobalAdmin } from "../../http/admin-guard.js";
import { parseBody, parseParam } from "../../http/parse-body.js";
import type { DeploymentStore } from "./deployment-store.js";
import { deploymentNameSchema, deploymentSpecSchema } from "./spec.js";

/** `onChange` runs after every write, before the answer: this node's registry and the other nodes are told. */
export function deploymentRoutes(store: DeploymentStore, onChange: (name: string) => Promise<void>) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(
      async (admin) => {
        admin.addHook("onRequest", async (request) => {
          requireGlobalAdmin(request);
        });

        admin.get("/", async () => ({ object: "list", data: store.names().map((name) => store.get(name)) }));

        admin.put<{ Params: { name: string } }>("/:name", async (request) => {
          const name = parseParam(deploymentNameSchema, request.params.name, "name");
          const saved = await store.save(name, parseBody(deploymentSpecSchema, request.body ?? {}), "api");
          await onChange(name);
          return saved;
        });

        admin.get<{ Params: { name: string } }>("/:name", async (request) => {
          const active = store.get(request.params.name);
          if (!active) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No deployment '${request.params.name}'.`);
          return { ...active, versions: await store.versions(request.params.name) };
        });

        admin.post<{ Params: { name: string } }>("/:name/rollback", async (request) => {
          const body = parseBody(z.object({ version: z.number().int().min(1).optional() }).strict(), request.body ?? {});
          const active = await store.rollback(request.params.name, body.version);
          await onChange(request.params.name);
          return active;
        });

        admin.delete<{ Params: { name: string } }>("/:name", async (request) => {
          await store.delete(request.params.name);
          await onChange(request.params.name);
          return { name: request.params.name, deleted: true };
        });
      },
      { prefix: "/admin/deployments" },
    );
  };
}
