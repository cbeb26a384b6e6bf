import type { FastifyInstance } from "fastify";
import type { ControlPlane } from "../../control/control-plane.js";
import { parseBody } from "../validation.js";
import { createProjectSchema, updateProjectSchema } from "./schemas.js";
import { limitsIn, projectOut } from "./serialize.js";

export function registerProjectRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.post("/projects", async (request, reply) => {
    const body = parseBody(createProjectSchema, request.body);
    const project = await control.projects.create({ name: body.name, limits: limitsIn(body), metadata: body.metadata });
    return reply.code(201).send(projectOut(project));
  });

  app.get("/projects", async () => ({ object: "list", data: (await control.projects.list()).map(projectOut) }));

  app.get<{ Params: { id: string } }>("/projects/:id", async (request) => projectOut(await control.projects.get(request.params.id)));

  app.patch<{ Params: { id: string } }>("/projects/:id", async (request) => {
    const body = parseBody(updateProjectSchema, request.body);
    const project = await control.projects.update(request.params.id, { name: body.name, limits: limitsIn(body), metadata: body.metadata });
    control.directory.invalidate();
    return projectOut(project);
  });

  app.delete<{ Params: { id: string } }>("/projects/:id", async (request) => {
    await control.projects.delete(request.params.id);
    control.directory.invalidate();
    return { id: request.params.id, object: "project", deleted: true };
  });
}
