import type { FastifyInstance } from "fastify";
import { SwitchyardError } from "../../core/errors.js";
import type { ControlPlane } from "../../control/control-plane.js";
import { requireGlobalAdmin } from "../../http/admin-guard.js";
import { parseBody } from "../../http/parse-body.js";
import { credentialNameSchema, credentialSchema } from "./schemas.js";
import { credentialOut } from "./serialize.js";

function credentialName(value: string): string {
  const result = credentialNameSchema.safeParse(value);
  if (!result.success) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid credential name '${value}': ${result.error.issues[0]?.message ?? "invalid"}.`, { param: "name" });
  }
  return result.data;
}

/** Provider credentials, encrypted at rest; values are write-only. They serve every project: master key only. */
export function registerCredentialRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.put<{ Params: { name: string } }>("/credentials/:name", async (request) => {
    requireGlobalAdmin(request);
    const name = credentialName(request.params.name);
    const body = parseBody(credentialSchema, request.body);
    return credentialOut(await control.credentials.put(name, body.provider, body.value));
  });

  app.get("/credentials", async (request) => {
    requireGlobalAdmin(request);
    return { object: "list", data: (await control.credentials.list()).map(credentialOut) };
  });

  app.delete<{ Params: { name: string } }>("/credentials/:name", async (request) => {
    requireGlobalAdmin(request);
    await control.credentials.delete(credentialName(request.params.name));
    return { name: request.params.name, object: "provider_credential", deleted: true };
  });
}
