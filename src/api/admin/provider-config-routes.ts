import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { providerNamePattern } from "../../config/schema.js";
import { SwitchyardError } from "../../core/errors.js";
import { findProviderDefinition, providerDefinitions } from "../../providers/registry.js";
import { parseBody } from "../../http/parse-body.js";
import { providerOut } from "./config-entry-out.js";
import { requireApplied, type RuntimeConfigServices } from "./runtime-config-routes.js";

const nameSchema = z.string().regex(providerNamePattern, "letters, digits, . _ - only").max(100);

function providerName(value: string): string {
  const result = nameSchema.safeParse(value);
  if (!result.success) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid provider name '${value}': ${result.error.issues[0]?.message ?? "invalid"}.`, { param: "name" });
  return result.data;
}

/** Validates a provider entry with its family's own config schema, exactly as a config file's entry is. */
function providerBody(body: unknown): Record<string, unknown> {
  const { type } = parseBody(z.looseObject({ type: z.string().min(1) }), body);
  const definition = findProviderDefinition(type);
  if (!definition) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Unknown provider type '${type}' (known: ${providerDefinitions.map((item) => item.type).join(", ")}).`, { param: "type" });
  }
  parseBody(definition.configSchema, body);
  return body as Record<string, unknown>;
}

/** `/admin/providers`: providers added, changed and removed at run time, stored in the database. */
export function registerProviderConfigRoutes(app: FastifyInstance, { reloader, entries, runtime }: RuntimeConfigServices): void {
  const show = async (name: string) => {
    const entry = runtime.config.providers[name];
    if (!entry) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No provider named '${name}'.`, { param: "name" });
    return providerOut(name, entry, runtime.parts, await entries.get("provider", name), name in reloader.fileConfig.providers);
  };

  app.get("/providers", async () => {
    const stored = new Map((await entries.list("provider")).map((entry) => [entry.name, entry]));
    const data = Object.entries(runtime.config.providers).map(([name, entry]) =>
      providerOut(name, entry, runtime.parts, stored.get(name), name in reloader.fileConfig.providers),
    );
    return { object: "list", data };
  });

  app.get<{ Params: { name: string } }>("/providers/:name", async (request) => show(providerName(request.params.name)));

  app.put<{ Params: { name: string } }>("/providers/:name", async (request) => {
    const name = providerName(request.params.name);
    const body = providerBody(request.body);
    let previous: Awaited<ReturnType<typeof entries.put>>;
    const outcome = await reloader.change(
      async () => void (previous = await entries.put("provider", name, body)),
      () => entries.restore("provider", name, previous),
    );
    requireApplied(outcome, "SWY_ERR_INVALID_REQUEST", `The provider '${name}' was not saved`);
    return show(name);
  });

  app.delete<{ Params: { name: string } }>("/providers/:name", async (request) => {
    const name = providerName(request.params.name);
    const inFile = name in reloader.fileConfig.providers;
    if (!(await entries.get("provider", name))) {
      if (inFile) throw new SwitchyardError("SWY_ERR_CONFLICT", `The provider '${name}' is defined in the config file; remove it there and reload.`);
      throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No provider named '${name}' was added through the admin API.`, { param: "name" });
    }
    let previous: Awaited<ReturnType<typeof entries.delete>>;
    const outcome = await reloader.change(
      async () => void (previous = await entries.delete("provider", name)),
      () => entries.restore("provider", name, previous),
    );
    requireApplied(outcome, "SWY_ERR_CONFLICT", `The provider '${name}' was not removed`);
    return { object: "provider", name, deleted: true, file_entry_restored: inFile };
  });
}
