import type { FastifyInstance, FastifyRequest } from "fastify";
import { SwitchyardError } from "../core/errors.js";
import { credentialFromHeaders, type Authenticator } from "../gateway/auth.js";
import type { KeyRole } from "../gateway/context.js";

/** Who may do what on `/admin`: set by the one guard before any admin route runs. */
export interface AdminAccess {
  keyId: string;
  role: Exclude<KeyRole, "member">;
  /** The one project this key administers; undefined for the master key (every project). */
  projectId?: string;
}

declare module "fastify" {
  interface FastifyRequest {
    adminAccess?: AdminAccess;
  }
}

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isAdminPath(url: string): boolean {
  return url === "/admin" || url.startsWith("/admin/") || url.startsWith("/admin?");
}

export function isMutating(method: string): boolean {
  return !READ_METHODS.has(method);
}

export interface AdminGuardOptions {
  authenticator: Authenticator;
  /** Without a master key the admin API is off: nothing could have created an admin key. */
  masterKeyConfigured: boolean;
}

/**
 * The one guard for every `/admin` route, registered once at the root: the master key may do
 * everything; a virtual key with role `admin` administers its own project; `viewer` only reads it;
 * `member` keys (the default) call models and never reach the admin API.
 */
export function registerAdminGuard(app: FastifyInstance, options: AdminGuardOptions): void {
  app.addHook("onRequest", async (request) => {
    if (!isAdminPath(request.url)) return;
    request.adminAccess = await adminAccessFor(request, options);
  });
}

async function adminAccessFor(request: FastifyRequest, options: AdminGuardOptions): Promise<AdminAccess> {
  if (!options.masterKeyConfigured) {
    throw new SwitchyardError("SWY_ERR_FORBIDDEN", "The admin API is disabled: set SWITCHYARD_MASTER_KEY to use it.");
  }
  const credential = credentialFromHeaders(request.headers);
  if (credential === undefined || credential === "") {
    throw new SwitchyardError("SWY_ERR_UNAUTHORIZED", "Missing API key. The admin API needs 'Authorization: Bearer <key>' with the master key or an admin key.");
  }
  const principal = await options.authenticator.authenticate(credential);
  request.principal = principal;
  if (principal.keyId === "master") return { keyId: "master", role: "admin" };
  const role = principal.role ?? "member";
  if (role === "member" || principal.projectId === undefined) {
    throw new SwitchyardError("SWY_ERR_FORBIDDEN", "This key cannot use the admin API: it needs the master key or a key with role 'admin' or 'viewer'.");
  }
  if (role === "viewer" && isMutating(request.method)) {
    throw new SwitchyardError("SWY_ERR_FORBIDDEN", "This key has role 'viewer': the admin API is read-only for it.");
  }
  return { keyId: principal.keyId, role, projectId: principal.projectId };
}

/** The access the guard granted; every admin route runs behind it. */
export function adminAccessOf(request: FastifyRequest): AdminAccess {
  const access = request.adminAccess;
  if (!access) throw new SwitchyardError("SWY_ERR_FORBIDDEN", "Admin routes live under /admin behind the admin guard.");
  return access;
}

/** For routes that span every project (credentials, routing, config): the master key only. */
export function requireGlobalAdmin(request: FastifyRequest): AdminAccess {
  const access = adminAccessOf(request);
  if (access.projectId !== undefined) throw new SwitchyardError("SWY_ERR_FORBIDDEN", "This admin route needs the master key.");
  return access;
}

/**
 * The project filter an admin request may use: a project key is pinned to its own project, and
 * asking for another one reads as "not found" (never a hint that it exists).
 */
export function adminProjectScope(request: FastifyRequest, requested?: string): string | undefined {
  const access = adminAccessOf(request);
  if (access.projectId === undefined) return requested;
  if (requested !== undefined && requested !== access.projectId) {
    throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No project with id '${requested}'.`);
  }
  return access.projectId;
}

/** Throws the same 404 a missing thing gets when a project key reaches for another project's. */
export function assertAdminOwns(request: FastifyRequest, ownerProjectId: string | undefined, notFound: () => SwitchyardError): void {
  const access = adminAccessOf(request);
  if (access.projectId !== undefined && ownerProjectId !== access.projectId) throw notFound();
}
