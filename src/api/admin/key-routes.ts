import type { FastifyInstance, FastifyRequest } from "fastify";
import type { z } from "zod";
import { recordAuditBefore } from "../../control/audit/audit-hooks.js";
import type { ControlPlane } from "../../control/control-plane.js";
import type { KeyInput, VirtualKey } from "../../control/keys/key-store.js";
import { SwitchyardError } from "../../core/errors.js";
import { adminProjectScope, assertAdminOwns } from "../../http/admin-guard.js";
import { parseBody } from "../../http/parse-body.js";
import { createKeySchema, updateKeySchema } from "./schemas.js";
import { keyOut, limitsIn } from "./serialize.js";

function keyInput(body: z.infer<typeof updateKeySchema>): KeyInput {
  return {
    name: body.name,
    role: body.role,
    allowedModels: body.models,
    limits: limitsIn(body),
    maxParallel: body.max_parallel,
    metadata: body.metadata,
    tags: body.tags,
    expiresAt: body.expires_at === undefined || body.expires_at === null ? body.expires_at : body.expires_at * 1000,
  };
}

/** The key named in the path, if this admin may see it; another project's key reads as missing. */
async function visibleKey(request: FastifyRequest<{ Params: { id: string } }>, control: ControlPlane): Promise<VirtualKey> {
  const key = await control.keys.get(request.params.id);
  assertAdminOwns(request, key.projectId, () => new SwitchyardError("SWY_ERR_NOT_FOUND", `No key with id '${request.params.id}'.`));
  return key;
}

export function registerKeyRoutes(app: FastifyInstance, control: ControlPlane): void {
  /** The secret is in this response only; it is stored as a hash. */
  app.post("/keys", async (request, reply) => {
    const body = parseBody(createKeySchema, request.body);
    adminProjectScope(request, body.project_id);
    const { key, secret } = await control.keys.create(body.project_id, keyInput(body));
    return reply.code(201).send({ ...keyOut(key), key: secret });
  });

  app.get<{ Querystring: { project_id?: string } }>("/keys", async (request) => {
    const requested = typeof request.query.project_id === "string" ? request.query.project_id : undefined;
    return { object: "list", data: (await control.keys.list(adminProjectScope(request, requested))).map(keyOut) };
  });

  app.get<{ Params: { id: string } }>("/keys/:id", async (request) => keyOut(await visibleKey(request, control)));

  app.patch<{ Params: { id: string } }>("/keys/:id", async (request) => {
    recordAuditBefore(request, keyOut(await visibleKey(request, control)));
    const body = parseBody(updateKeySchema, request.body);
    const key = await control.keys.update(request.params.id, keyInput(body));
    control.directory.invalidate();
    return keyOut(key);
  });

  /** Revokes: the key stops working (within `control.key_cache_ms` on other nodes); its usage stays. */
  app.delete<{ Params: { id: string } }>("/keys/:id", async (request) => {
    recordAuditBefore(request, keyOut(await visibleKey(request, control)));
    const key = await control.keys.revoke(request.params.id);
    control.directory.invalidate();
    return keyOut(key);
  });
}
