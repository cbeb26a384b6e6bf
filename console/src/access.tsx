import { createContext, useContext } from "react";
import { ApiError, getJson } from "./api";

/**
 * What the console's key may do, from `GET /admin/access`: `master` administers every project, `admin` and
 * `viewer` their own project (a viewer only reads), `none` never reaches the admin API (a member key, or a
 * gateway without a master key, where the admin API is off).
 */
export interface ConsoleAccess {
  admin: "master" | "admin" | "viewer" | "none";
  /** The project a project key belongs to; undefined for the master key and for `none`. */
  projectId?: string;
}

/** What a page needs to be shown: `key` any caller that may call models, `admin-read` an admin or viewer key, `master` the master key. */
export type PageNeed = "key" | "admin-read" | "admin-write" | "master";

export function allows(access: ConsoleAccess, need: PageNeed): boolean {
  switch (need) {
    case "key":
      return true;
    case "admin-read":
      return access.admin !== "none";
    case "admin-write":
      return access.admin === "master" || access.admin === "admin";
    case "master":
      return access.admin === "master";
  }
}

/** Changes through the admin API: the master key and project admins, never viewers. */
export const canAdminister = (access: ConsoleAccess) => allows(access, "admin-write");

export async function fetchAccess(): Promise<ConsoleAccess> {
  try {
    const answer = await getJson<{ role: "admin" | "viewer"; project_id: string | null; scope: "global" | "project" }>("/admin/access");
    if (answer.scope === "global") return { admin: "master" };
    return { admin: answer.role, projectId: answer.project_id ?? undefined };
  } catch (error) {
    // 403: a member key, or no master key configured (the admin API is off); 401: no key typed yet.
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return { admin: "none" };
    throw error;
  }
}

export const AccessContext = createContext<ConsoleAccess>({ admin: "none" });

/** The current key's access, for pages that hide what the key cannot do. */
export function useAccess(): ConsoleAccess {
  return useContext(AccessContext);
}

export function describeAccess(access: ConsoleAccess): string {
  switch (access.admin) {
    case "master":
      return "master key";
    case "admin":
      return `project admin · ${access.projectId}`;
    case "viewer":
      return `project viewer · ${access.projectId}`;
    case "none":
      return "model access";
  }
}
