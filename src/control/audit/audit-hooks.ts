import type { FastifyInstance, FastifyRequest } from "fastify";
import { isAdminPath, isMutating } from "../../http/admin-guard.js";
import type { Logger } from "../../observability/logger.js";
import type { AdminAuditStore } from "./audit-store.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by an admin route before it changes something: the state it replaces. */
    auditBefore?: unknown;
    /** The response body of a mutating admin call, kept for the audit log. */
    auditAfter?: unknown;
  }
}

/** Admin routes call this with the state they are about to replace, so the audit row shows both sides. */
export function recordAuditBefore(request: FastifyRequest, before: unknown): void {
  request.auditBefore = before;
}

function parsePayload(payload: unknown): unknown {
  const text = typeof payload === "string" ? payload : Buffer.isBuffer(payload) ? payload.toString("utf8") : undefined;
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function projectNamed(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const projectId = (value as { project_id?: unknown }).project_id;
  return typeof projectId === "string" ? projectId : undefined;
}

/**
 * Records every mutating `/admin` call (refused ones too) once it has answered: who, what, when,
 * before/after. Written after the response, so the audit never slows or fails an admin call.
 */
export function registerAdminAudit(app: FastifyInstance, store: AdminAuditStore, logger: Logger): void {
  app.addHook("onSend", async (request, _reply, payload) => {
    if (isAdminPath(request.url) && isMutating(request.method)) request.auditAfter = parsePayload(payload);
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    if (!isAdminPath(request.url) || !isMutating(request.method)) return;
    const access = request.adminAccess;
    const after = request.auditAfter;
    store
      .record({
        at: Date.now(),
        keyId: access?.keyId ?? request.principal?.keyId ?? "unauthenticated",
        // A refused call has no access, but the guard may already know whose key it was.
        projectId: access?.projectId ?? request.principal?.projectId ?? projectNamed(after) ?? projectNamed(request.body),
        method: request.method,
        path: request.url.split("?")[0] ?? request.url,
        status: reply.statusCode,
        before: request.auditBefore,
        after,
      })
      .catch((error: unknown) => logger.error({ err: error, requestId: request.id }, "admin audit row not written"));
  });
}
