import { z } from "zod";

/** The admin API's answers (see v1-responses.ts for why objects are open). */

const unix = z.number().int().nonnegative();
const money = z.number().nullable();

const limits = {
  budgets: z.object({ daily_usd: money, weekly_usd: money, monthly_usd: money }),
  rpm: z.number().int().nullable(),
  tpm: z.number().int().nullable(),
};

export const projectSchema = z.looseObject({ id: z.string(), object: z.literal("project"), name: z.string(), ...limits, metadata: z.record(z.string(), z.unknown()), created_at: unix.nullable() });
export const projectListSchema = z.object({ object: z.literal("list"), data: z.array(projectSchema) });

export const virtualKeySchema = z.looseObject({
  id: z.string(),
  object: z.literal("virtual_key"),
  project_id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: z.enum(["member", "admin", "viewer"]),
  models: z.array(z.string()).nullable(),
  ...limits,
  max_parallel: z.number().int().nullable(),
  tags: z.array(z.string()),
  created_at: unix.nullable(),
  expires_at: unix.nullable(),
  revoked_at: unix.nullable(),
});
/** Only the answer to creating a key carries the key itself, that once. */
export const createdKeySchema = virtualKeySchema.extend({ key: z.string() });
export const virtualKeyListSchema = z.object({ object: z.literal("list"), data: z.array(virtualKeySchema) });

export const credentialSchema = z.object({
  name: z.string(),
  object: z.literal("provider_credential"),
  provider: z.string(),
  reference: z.string().startsWith("env:"),
  created_at: unix.nullable(),
  updated_at: unix.nullable(),
});
export const credentialListSchema = z.object({ object: z.literal("list"), data: z.array(credentialSchema) });

const origin = {
  source: z.enum(["file", "admin"]),
  overrides_file: z.boolean(),
  created_at: unix.nullable(),
  updated_at: unix.nullable(),
};
export const providerConfigSchema = z.object({ object: z.literal("provider"), name: z.string(), type: z.string(), ...origin, config: z.record(z.string(), z.unknown()) });
export const providerConfigListSchema = z.object({ object: z.literal("list"), data: z.array(providerConfigSchema) });
export const modelConfigSchema = z.object({ object: z.literal("model_config"), name: z.string(), ...origin, config: z.record(z.string(), z.unknown()) });
export const modelConfigListSchema = z.object({ object: z.literal("list"), data: z.array(modelConfigSchema) });
export const configEntryDeletedSchema = z.object({ object: z.string(), name: z.string(), deleted: z.literal(true), file_entry_restored: z.boolean() });

const nameChanges = z.object({ added: z.array(z.string()), changed: z.array(z.string()), removed: z.array(z.string()) });
export const configReloadSchema = z.object({
  object: z.literal("config.reload"),
  applied: z.literal(true),
  source: z.string(),
  providers: nameChanges,
  models: nameChanges,
  restart_required: z.array(z.string()),
});

export const deletedByIdSchema = z.looseObject({ id: z.string(), object: z.string(), deleted: z.literal(true) });

export const auditListSchema = z.looseObject({ object: z.literal("list"), data: z.array(z.looseObject({})) });

export const deploymentSchema = z.looseObject({ name: z.string(), version: z.number().int(), spec: z.record(z.string(), z.unknown()), project_id: z.string().nullable().describe("The owning project; null for a deployment from the config file, which every project may call") });
export const deploymentListSchema = z.looseObject({ object: z.literal("list"), data: z.array(deploymentSchema) });

export const breakersSchema = z.object({
  store: z.string(),
  breakers: z.array(z.looseObject({ key: z.string(), state: z.enum(["closed", "open", "half-open"]), consecutive_failures: z.number().int(), opens: z.number().int() })),
});

export const requestLogListSchema = z.looseObject({ object: z.literal("list"), data: z.array(z.looseObject({ request_id: z.string() })), has_more: z.boolean(), next_cursor: z.string().nullable() });
export const requestLogSchema = z.looseObject({ request_id: z.string() });
export const requestLogDeletedSchema = z.looseObject({ object: z.literal("request_log.deleted"), deleted: z.union([z.boolean(), z.number().int()]) });
export const loggingSettingsSchema = z.looseObject({ object: z.literal("project.logging"), project_id: z.string() });
export const feedbackSummarySchema = z.looseObject({ object: z.literal("list"), group_by: z.string(), data: z.array(z.looseObject({})) });

export const datasetFromLogsSchema = z.looseObject({
  object: z.literal("dataset"),
  project_id: z.string(),
  training_file: z.string(),
  validation_file: z.string().nullable(),
  counts: z.looseObject({ matched: z.number().int(), kept: z.number().int(), train: z.number().int(), validation: z.number().int() }),
  files: z.array(z.looseObject({ id: z.string() })),
});

export const adminAccessSchema = z.looseObject({
  object: z.literal("admin_access"),
  key_id: z.string(),
  role: z.enum(["admin", "viewer"]),
  project_id: z.string().nullable(),
  scope: z.enum(["global", "project"]),
});

export const modelHealthListSchema = z.object({
  object: z.literal("list"),
  window_minutes: z.number().int(),
  since: z.string(),
  data: z.array(
    z.looseObject({
      model: z.string(),
      requests: z.number().int(),
      errors: z.number().int(),
      error_rate: z.number().nullable(),
      latency_ms_avg: z.number().nullable(),
      ttft_ms_avg: z.number().nullable(),
      last_request_at: z.string().nullable(),
      routes: z
        .array(z.looseObject({ provider: z.string(), model: z.string(), balancer_latency_ms: z.number().nullable(), in_flight: z.number().int(), breaker: z.string() }))
        .optional(),
    }),
  ),
});
