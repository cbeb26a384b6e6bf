/** `/admin/deployments`: create or update (a new version), list, inspect versions, roll back, delete. Master key only. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";
import type { Gateway } from "../../gateway/gateway.js";
import { requireMaster } from "../../api/admin/admin-auth.js";
import type { DeploymentStore } from "./deployment-store.js";
import { deploymentNameSchema, deploymentSpecSchema } from "./spec.js";

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `${what}${issue?.path.length ? `.${issue.path.join(".")}` : ""}: ${issue?.message}`);
  }
  return parsed.data;
}

/** `onChange` runs after every write, before the answer: this node's registry and the other nodes are told. */
export function deploymentRoutes(store: DeploymentStore, onChange: (name: string) => Promise<void>) {
  return async (app: FastifyInstance, gateway: Gateway): Promise<void> => {
    await app.register(
      async (admin) => {
        admin.addHook("onRequest", (request) => requireMaster(request, gateway));

        admin.get("/", async () => ({ object: "list", data: store.names().map((name) => store.get(name)) }));

        admin.put<{ Params: { name: string } }>("/:name", async (request) => {
          const name = parse(deploymentNameSchema, request.params.name, "name");
          const saved = await store.save(name, parse(deploymentSpecSchema, request.body, "deployment"), "api");
          await onChange(name);
          return saved;
        });

        admin.get<{ Params: { name: string } }>("/:name", async (request) => {
          const active = store.get(request.params.name);
          if (!active) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No deployment '${request.params.name}'.`);
          return { ...active, versions: await store.versions(request.params.name) };
        });

        admin.post<{ Params: { name: string } }>("/:name/rollback", async (request) => {
          const body = parse(z.object({ version: z.number().int().min(1).optional() }).strict(), request.body, "body");
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
