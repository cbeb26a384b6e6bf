import type { FastifyRequest } from "fastify";
import { SwitchyardError } from "../../core/errors.js";
import { credentialFromHeaders } from "../../gateway/auth.js";
import type { Gateway } from "../../gateway/gateway.js";

/** The admin API answers the master key only; without one configured it is off. */
export async function requireMaster(request: FastifyRequest, gateway: Gateway): Promise<void> {
  if (gateway.runtime.masterKey === undefined) {
    throw new SwitchyardError("SWY_ERR_FORBIDDEN", "The admin API is disabled: set SWITCHYARD_MASTER_KEY to use it.");
  }
  const principal = await gateway.authenticator.authenticate(credentialFromHeaders(request.headers));
  if (principal.keyId !== "master") throw new SwitchyardError("SWY_ERR_FORBIDDEN", "The admin API needs the master key.");
  request.principal = principal;
}
