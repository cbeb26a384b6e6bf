import type { FastifyInstance } from "fastify";
import type { ControlPlane } from "../../control/control-plane.js";
import type { KeyInput } from "../../control/keys/key-store.js";
import { parseBody } from "../validation.js";
import { createKeySchema, updateKeySchema } from "./schemas.js";
import { keyOut, limitsIn } from "./serialize.js";
import type { z } from "zod";

function keyInput(body: z.infer<typeof updateKeySchema>): KeyInput {
  return {
    name: body.name,
    allowedModels: body.models,
    limits: limitsIn(body),
    maxParallel: body.max_parallel,
    metadata: body.metadata,
    tags: body.tags,
    expiresAt: body.expires_at === undefined || body.expires_at === null ? body.expires_at : body.expires_at * 1000,
  };
}

export function registerKeyRoutes(app: FastifyInstance, control: ControlPlane): void {
  /** The secret is in this response only; it is stored as a hash. */
  app.post("/keys", async (request, reply) => {
    const body = parseBody(createKeySchema, request.body);
    const { key, secret } = await control.keys.create(body.project_id, keyInput(body));
    return reply.code(201).send({ ...keyOut(key), key: secret });
  });

  app.get<{ Querystring: { project_id?: string } }>("/keys", async (request) => {
    const projectId = typeof request.query.project_id === "string" ? request.query.project_id : undefined;
    return { object: "list", data: (await control.keys.list(projectId)).map(keyOut) };
  });

  app.get<{ Params: { id: string } }>("/keys/:id", async (request) => keyOut(await control.keys.get(request.params.id)));

  app.patch<{ Params: { id: string } }>("/keys/:id", async (request) => {
    const body = parseBody(updateKeySchema, request.body);
    const key = await control.keys.update(request.params.id, keyInput(body));
    control.directory.invalidate();
    return keyOut(key);
  });

  /** Revokes: the key stops working (within `control.key_cache_ms` on other nodes); its usage stays. */
  app.delete<{ Params: { id: string } }>("/keys/:id", async (request) => {
    const key = await control.keys.revoke(request.params.id);
    control.directory.invalidate();
    return keyOut(key);
  });
}
