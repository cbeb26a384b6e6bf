import { z } from "zod";
import { SwitchyardError } from "../core/errors.js";
import { recordAuditBefore } from "../control/audit/audit-hooks.js";
import type { ProjectStore } from "../control/projects/project-store.js";
import { adminProjectScope, requireGlobalAdmin } from "../http/admin-guard.js";
import { parseBody, parseParam } from "../http/parse-body.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { EffectiveLogSettings, LogSettings } from "./log-settings.js";
import { projectKeyFromApi } from "./log-routes.js";

export const loggingPatchSchema = z
  .object({
    store_requests: z.boolean().nullable().optional(),
    retention_days: z.number().int().positive().max(3650).nullable().optional(),
    store_unmasked: z.boolean().nullable().optional(),
  })
  .strict();

const projectIdSchema = z.string().min(1).max(128);

function settingsOut(projectId: string, settings: EffectiveLogSettings) {
  return { object: "project.logging", project_id: projectId, ...settings };
}

/**
 * `GET|PUT /admin/projects/{id}/logging`: a project's own logging settings over the `logging:`
 * config (null clears a field). Turning on `store_unmasked` keeps the values guardrails masked,
 * so only the master key may change it.
 */
export function settingsRoutes(options: { settings: LogSettings; projects: ProjectStore }): RouteRegistrar {
  const { settings, projects } = options;
  const projectFor = async (requested: string, scope: string | undefined): Promise<string> => {
    const projectId = scope ?? requested;
    if (projectId !== "default" && !(await projects.find(projectId))) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No project with id '${requested}'.`, { param: "project_id" });
    return projectId;
  };
  return (app) => {
    app.get<{ Params: { id: string } }>("/admin/projects/:id/logging", async (request) => {
      const requested = parseParam(projectIdSchema, request.params.id, "project_id");
      const projectId = await projectFor(requested, adminProjectScope(request, requested));
      return settingsOut(projectId, settings.effective(projectKeyFromApi(projectId)!));
    });

    app.put<{ Params: { id: string } }>("/admin/projects/:id/logging", async (request) => {
      const requested = parseParam(projectIdSchema, request.params.id, "project_id");
      const projectId = await projectFor(requested, adminProjectScope(request, requested));
      const patch = parseBody(loggingPatchSchema, request.body);
      if (patch.store_unmasked !== undefined) requireGlobalAdmin(request);
      const key = projectKeyFromApi(projectId)!;
      recordAuditBefore(request, settingsOut(projectId, settings.effective(key)));
      return settingsOut(projectId, await settings.update(key, patch));
    });
  };
}
