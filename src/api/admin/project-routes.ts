import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ControlPlane } from "../../control/control-plane.js";
import { recordAuditBefore } from "../../control/audit/audit-hooks.js";
import { SwitchyardError } from "../../core/errors.js";
import { adminProjectScope, requireGlobalAdmin } from "../../http/admin-guard.js";
import { parseBody } from "../../http/parse-body.js";
import { createProjectSchema, updateProjectSchema } from "./schemas.js";
import { limitsIn, projectOut } from "./serialize.js";

/** The project named in the path, if this admin may see it; another project's reads as missing. */
async function visibleProject(request: FastifyRequest<{ Params: { id: string } }>, control: ControlPlane) {
  adminProjectScope(request, request.params.id);
  return control.projects.get(request.params.id);
}

export function registerProjectRoutes(app: FastifyInstance, control: ControlPlane): void {
  /** Projects are created by the master key; a project admin administers the one it belongs to. */
  app.post("/projects", async (request, reply) => {
    requireGlobalAdmin(request);
    const body = parseBody(createProjectSchema, request.body);
    const project = await control.projects.create({ name: body.name, limits: limitsIn(body), metadata: body.metadata });
    return reply.code(201).send(projectOut(project));
  });

  app.get("/projects", async (request) => {
    const scope = adminProjectScope(request);
    const projects = await control.projects.list();
    return { object: "list", data: projects.filter((project) => scope === undefined || project.id === scope).map(projectOut) };
  });

  app.get<{ Params: { id: string } }>("/projects/:id", async (request) => projectOut(await visibleProject(request, control)));

  app.patch<{ Params: { id: string } }>("/projects/:id", async (request) => {
    recordAuditBefore(request, projectOut(await visibleProject(request, control)));
    const body = parseBody(updateProjectSchema, request.body);
    const project = await control.projects.update(request.params.id, { name: body.name, limits: limitsIn(body), metadata: body.metadata });
    control.directory.invalidate();
    return projectOut(project);
  });

  app.delete<{ Params: { id: string } }>("/projects/:id", async (request) => {
    requireGlobalAdmin(request);
    const before = await control.projects.get(request.params.id).catch((error: unknown) => {
      if (error instanceof SwitchyardError && error.code === "SWY_ERR_NOT_FOUND") return undefined;
      throw error;
    });
    if (before) recordAuditBefore(request, projectOut(before));
    await control.projects.delete(request.params.id);
    control.directory.invalidate();
    return { id: request.params.id, object: "project", deleted: true };
  });
}
