import { z } from "zod";

const money = z.number().nonnegative().max(1e9);
const perMinute = z.number().int().positive().max(1e12);

export const budgetsSchema = z
  .object({
    daily_usd: money.nullable().optional(),
    weekly_usd: money.nullable().optional(),
    monthly_usd: money.nullable().optional(),
  })
  .strict();

const metadata = z.record(z.string(), z.unknown()).refine((value) => JSON.stringify(value).length <= 16_384, "metadata must be at most 16 KiB of JSON");

const limitFields = {
  budgets: budgetsSchema.optional(),
  rpm: perMinute.nullable().optional(),
  tpm: perMinute.nullable().optional(),
  metadata: metadata.optional(),
};

const name = z.string().trim().min(1).max(200);

export const createProjectSchema = z.object({ name, ...limitFields }).strict();
export const updateProjectSchema = z.object({ name: name.optional(), ...limitFields }).strict();

/** Epoch seconds or an ISO 8601 date-time; stored as epoch ms. */
const instant = z.union([
  z.number().int().positive(),
  z.iso.datetime({ offset: true }).transform((value) => Math.floor(Date.parse(value) / 1000)),
]);

const keyFields = {
  name: z.string().trim().max(200).optional(),
  role: z.enum(["admin", "member", "viewer"]).optional(),
  models: z.array(z.string().min(1)).max(1000).nullable().optional(),
  max_parallel: z.number().int().positive().max(100_000).nullable().optional(),
  tags: z.array(z.string().min(1).max(100)).max(100).optional(),
  expires_at: instant.nullable().optional(),
  ...limitFields,
};

export const createKeySchema = z.object({ project_id: z.string().min(1), ...keyFields }).strict();
export const updateKeySchema = z.object(keyFields).strict();

export const credentialSchema = z
  .object({
    provider: z.string().min(1).max(100),
    value: z.string().min(1).max(16_384),
  })
  .strict();

/** Credential names double as environment variable names for `env:NAME` references. */
export const credentialNameSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,127}$/, "use an environment-variable style name: A-Z, 0-9 and _, starting with a letter")
  .refine((value) => !value.startsWith("SWITCHYARD_"), "names starting with SWITCHYARD_ are reserved");

const dateParam = z
  .string()
  .transform((value, context) => {
    const parsed = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    if (Number.isNaN(parsed)) {
      context.addIssue({ code: "custom", message: "expected YYYY-MM-DD, an ISO 8601 date-time or unix seconds" });
      return z.NEVER;
    }
    return parsed;
  });

export const usageQuerySchema = z
  .object({
    from: dateParam.optional(),
    to: dateParam.optional(),
    project_id: z.string().min(1).optional(),
    key_id: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    group_by: z
      .string()
      .optional()
      .transform((value, context) => {
        const parts = value === undefined || value === "" ? [] : value.split(",").map((part) => part.trim());
        for (const part of parts) {
          if (!["key", "project", "model", "day", "hour", "provider"].includes(part)) {
            context.addIssue({ code: "custom", message: `unknown dimension '${part}' (use key, project, model, day, hour, provider)` });
            return z.NEVER;
          }
        }
        return parts as Array<"key" | "project" | "model" | "day" | "hour" | "provider">;
      }),
    limit: z.coerce.number().int().positive().max(10_000).optional(),
  })
  .strict();
