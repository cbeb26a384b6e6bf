/**
 * `/admin/deployments`: create or update (a new version), list, inspect versions, roll back, delete.
 * The master key administers every deployment; a project's admin key its own project's (a viewer key
 * reads them). Another project's deployment, or one from the config file, answers a project key
 * exactly as a missing name does.
 */
import type { FastifyRequest } from "fastify";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { recordAuditBefore } from "../../control/audit/audit-hooks.js";
import { SwitchyardError } from "../../core/errors.js";
import { adminProjectScope, assertAdminOwns } from "../../http/admin-guard.js";
import { parseBody, parseParam } from "../../http/parse-body.js";
import type { Deployment, DeploymentStore } from "./deployment-store.js";
import { deploymentNameSchema, deploymentSpecSchema } from "./spec.js";

/** `?project_id=`: the master key's filter on the list, and the owner of a deployment it creates. */
export const deploymentProjectQuerySchema = z.object({ project_id: z.string().min(1).max(128).optional() }).strict();

export const deploymentRollbackSchema = z.object({ version: z.number().int().min(1).optional() }).strict();

const notFound = (name: string) => new SwitchyardError("SWY_ERR_NOT_FOUND", `No deployment '${name}'.`);

/** The deployment if the caller administers it; anyone else's answers like a missing name. */
function owned(request: FastifyRequest, store: DeploymentStore, name: string): Deployment {
  const deployment = store.get(name);
  if (!deployment) throw notFound(name);
  assertAdminOwns(request, deployment.project_id ?? undefined, () => notFound(name));
  return deployment;
}

/** `onChange` runs after every write, before the answer: this node's registry and the other nodes are told. */
export function deploymentRoutes(store: DeploymentStore, onChange: (name: string) => Promise<void>) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(
      async (admin) => {
        admin.get("/", async (request) => {
          const query = parseBody(deploymentProjectQuerySchema, request.query ?? {});
          return { object: "list", data: store.list(adminProjectScope(request, query.project_id)) };
        });

        admin.put<{ Params: { name: string } }>("/:name", async (request) => {
          const name = parseParam(deploymentNameSchema, request.params.name, "name");
          const spec = parseBody(deploymentSpecSchema, request.body ?? {});
          const query = parseBody(deploymentProjectQuerySchema, request.query ?? {});
          const requested = adminProjectScope(request, query.project_id);
          const existing = store.get(name);
          let owner: string | null;
          if (existing) {
            owned(request, store, name);
            if (requested !== undefined && existing.project_id !== requested) {
              // Only the master key gets here (a project key's other project is a 404 above).
              throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Deployment '${name}' belongs to ${existing.project_id === null ? "the config file" : `project '${existing.project_id}'`}; delete it to give the name to another project.`, { param: "project_id" });
            }
            recordAuditBefore(request, existing);
            owner = existing.project_id;
          } else {
            owner = requested ?? "default";
          }
          const saved = await store.save(name, spec, "api", owner);
          await onChange(name);
          return saved;
        });

        admin.get<{ Params: { name: string } }>("/:name", async (request) => {
          const active = owned(request, store, request.params.name);
          return { ...active, versions: await store.versions(request.params.name) };
        });

        admin.post<{ Params: { name: string } }>("/:name/rollback", async (request) => {
          const previous = owned(request, store, request.params.name);
          const body = parseBody(deploymentRollbackSchema, request.body ?? {});
          recordAuditBefore(request, previous);
          const active = await store.rollback(request.params.name, body.version);
          await onChange(request.params.name);
          return active;
        });

        admin.delete<{ Params: { name: string } }>("/:name", async (request) => {
          recordAuditBefore(request, owned(request, store, request.params.name));
          await store.delete(request.params.name);
          await onChange(request.params.name);
          return { name: request.params.name, deleted: true };
        });
      },
      { prefix: "/admin/deployments" },
    );
  };
}
