import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { modelSchema } from "../../config/schema.js";
import { SwitchyardError } from "../../core/errors.js";
import { parseBody } from "../../http/parse-body.js";
import { modelConfigOut } from "./config-entry-out.js";
import { requireApplied, type RuntimeConfigServices } from "./runtime-config-routes.js";

const nameSchema = z.string().min(1).max(200);

function modelName(value: string): string {
  const result = nameSchema.safeParse(value);
  if (!result.success) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid model name: ${result.error.issues[0]?.message ?? "invalid"}.`, { param: "name" });
  return result.data;
}

/** `/admin/models`: public model names and their routes, added, changed and removed at run time. */
export function registerModelConfigRoutes(app: FastifyInstance, { reloader, entries, runtime }: RuntimeConfigServices): void {
  const show = async (name: string) => {
    const entry = runtime.config.models[name];
    if (!entry) throw new SwitchyardError("SWY_ERR_MODEL_NOT_FOUND", `No model named '${name}' is configured.`, { param: "name" });
    return modelConfigOut(name, entry, await entries.get("model", name), name in reloader.fileConfig.models);
  };

  app.get("/models", async () => {
    const stored = new Map((await entries.list("model")).map((entry) => [entry.name, entry]));
    const data = Object.entries(runtime.config.models).map(([name, entry]) => modelConfigOut(name, entry, stored.get(name), name in reloader.fileConfig.models));
    return { object: "list", data };
  });

  app.get<{ Params: { name: string } }>("/models/:name", async (request) => show(modelName(request.params.name)));

  app.put<{ Params: { name: string } }>("/models/:name", async (request) => {
    const name = modelName(request.params.name);
    parseBody(modelSchema, request.body);
    const body = request.body as Record<string, unknown>;
    let previous: Awaited<ReturnType<typeof entries.put>>;
    const outcome = await reloader.change(
      async () => void (previous = await entries.put("model", name, body)),
      () => entries.restore("model", name, previous),
    );
    requireApplied(outcome, "SWY_ERR_INVALID_REQUEST", `The model '${name}' was not saved`);
    return show(name);
  });

  app.delete<{ Params: { name: string } }>("/models/:name", async (request) => {
    const name = modelName(request.params.name);
    const inFile = name in reloader.fileConfig.models;
    if (!(await entries.get("model", name))) {
      if (inFile) throw new SwitchyardError("SWY_ERR_CONFLICT", `The model '${name}' is defined in the config file; remove it there and reload.`);
      throw new SwitchyardError("SWY_ERR_MODEL_NOT_FOUND", `No model named '${name}' was added through the admin API.`, { param: "name" });
    }
    let previous: Awaited<ReturnType<typeof entries.delete>>;
    const outcome = await reloader.change(
      async () => void (previous = await entries.delete("model", name)),
      () => entries.restore("model", name, previous),
    );
    requireApplied(outcome, "SWY_ERR_CONFLICT", `The model '${name}' was not removed`);
    return { object: "model_config", name, deleted: true, file_entry_restored: inFile };
  });
}
