import { createRequire } from "node:module";
import { z } from "zod";
import { builtinCategories, isBuiltinCategory } from "./detectors/index.js";

// libphonenumber-js and its metadata load only when a default phone country is configured.
const require = createRequire(import.meta.url);
const isSupportedCountry = (country: string): boolean =>
  (require("libphonenumber-js/max") as typeof import("libphonenumber-js/max")).isSupportedCountry(country);

/**
 * The `guardrails:` section of the config file. Policies map a category (or `*` for every category
 * not listed) to an action; later layers override earlier ones (see policy.ts).
 */

/**
 * `route_local`: the request is not sent to a third party at all; the configured `local_model`
 * answers it instead (see route-local.ts).
 */
export const inputActionSchema = z.enum(["allow", "mask", "redact", "route_local", "block"]);
export const outputActionSchema = z.enum(["allow", "redact", "block"]);
export type InputAction = z.infer<typeof inputActionSchema>;
export type OutputAction = z.infer<typeof outputActionSchema>;

const categoryKey = z.string().min(1);

export const policyLayerSchema = z
  .object({
    input: z.record(categoryKey, inputActionSchema).optional(),
    output: z.record(categoryKey, outputActionSchema).optional(),
  })
  .strict();

export const providerLayerSchema = policyLayerSchema
  .extend({
    /** True: this provider is trusted, requests to it are not masked, redacted or blocked. */
    exempt: z.boolean().optional(),
  })
  .strict();

const customDetectorSchema = z
  .object({
    terms: z.array(z.string().min(1)).optional(),
    patterns: z.array(z.string().min(1)).optional(),
    case_sensitive: z.boolean().default(false),
  })
  .strict();

export const guardrailsSchema = z
  .object({
    enabled: z.boolean().default(true),
    input: z.record(categoryKey, inputActionSchema).default({}),
    output: z.record(categoryKey, outputActionSchema).default({}),
    keys: z.record(z.string(), policyLayerSchema).default({}),
    projects: z.record(z.string(), policyLayerSchema).default({}),
    models: z.record(z.string(), policyLayerSchema).default({}),
    providers: z.record(z.string(), providerLayerSchema).default({}),
    /** Providers with `local: true` (data stays on this machine) skip input policies. */
    exempt_local_providers: z.boolean().default(true),
    /** The public model that answers requests a `route_local` policy keeps off third parties; all its routes must be local. */
    local_model: z.string().min(1).optional(),
    detectors: z
      .object({
        /** ISO country for phone numbers written without `+`; without it only international numbers match. */
        phone_default_country: z.string().length(2).optional(),
        custom: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, "lower-case letters, digits and _"), customDetectorSchema).default({}),
      })
      .strict()
      .default({ custom: {} }),
    injection: z
      .object({
        /** `score` reports it (header + audit); `block` also rejects at or above the threshold. */
        action: z.enum(["off", "score", "block"]).default("score"),
        threshold: z.number().min(0).max(1).default(0.7),
      })
      .strict()
      .default({ action: "score", threshold: 0.7 }),
    /** Most characters of one unfinished token held back so an output finding split across chunks is seen whole. */
    output_window: z.number().int().min(32).max(65_536).default(512),
    audit: z
      .object({
        enabled: z.boolean().default(true),
        /** `database`: the configured database (SQLite or PostgreSQL); `memory`: a bounded in-process ring. */
        store: z.enum(["database", "memory"]).default("database"),
        /** In-memory store only: how many entries are kept. */
        max_entries: z.number().int().positive().default(10_000),
      })
      .strict()
      .default({ enabled: true, store: "database", max_entries: 10_000 }),
  })
  .strict()
  .superRefine((config, context) => {
    const known = new Set<string>([...builtinCategories, ...Object.keys(config.detectors.custom), "*"]);
    const checkPolicy = (policy: Record<string, string> | undefined, path: (string | number)[]) => {
      for (const category of Object.keys(policy ?? {})) {
        if (!known.has(category)) {
          context.addIssue({
            code: "custom",
            path: [...path, category],
            message: `unknown category "${category}" (known: ${[...known].join(", ")})`,
          });
        }
      }
    };
    checkPolicy(config.input, ["input"]);
    checkPolicy(config.output, ["output"]);
    const routesLocal: (string | number)[][] = [];
    const noteRouteLocal = (policy: Record<string, string> | undefined, path: (string | number)[]) => {
      for (const [category, action] of Object.entries(policy ?? {})) if (action === "route_local") routesLocal.push([...path, category]);
    };
    noteRouteLocal(config.input, ["input"]);
    for (const scope of ["keys", "projects", "models", "providers"] as const) {
      for (const [name, layer] of Object.entries(config[scope])) {
        checkPolicy(layer.input, [scope, name, "input"]);
        checkPolicy(layer.output, [scope, name, "output"]);
        noteRouteLocal(layer.input, [scope, name, "input"]);
      }
    }
    if (config.local_model === undefined) {
      for (const path of routesLocal) {
        context.addIssue({ code: "custom", path, message: "route_local needs guardrails.local_model: the public model (with local routes only) that answers instead" });
      }
    }
    for (const [name, custom] of Object.entries(config.detectors.custom)) {
      if (isBuiltinCategory(name)) {
        context.addIssue({ code: "custom", path: ["detectors", "custom", name], message: "a custom detector cannot reuse a built-in category name" });
      }
      if ((custom.terms?.length ?? 0) + (custom.patterns?.length ?? 0) === 0) {
        context.addIssue({ code: "custom", path: ["detectors", "custom", name], message: "give at least one of terms or patterns" });
      }
      for (const [index, pattern] of (custom.patterns ?? []).entries()) {
        try {
          new RegExp(pattern, "g");
        } catch (error) {
          context.addIssue({ code: "custom", path: ["detectors", "custom", name, "patterns", index], message: `not a valid regular expression: ${(error as Error).message}` });
        }
      }
    }
    const country = config.detectors.phone_default_country;
    if (country !== undefined && !isSupportedCountry(country)) {
      context.addIssue({ code: "custom", path: ["detectors", "phone_default_country"], message: `"${country}" is not a supported ISO 3166-1 alpha-2 country code` });
    }
  });

export type GuardrailsConfig = z.infer<typeof guardrailsSchema>;
export type PolicyLayer = z.infer<typeof policyLayerSchema>;

/**
 * Applied beneath the configured `input`/`output` maps: secrets never go upstream in clear, personal
 * data is masked, and a private key in a response is stopped.
 */
export const defaultInputPolicy: Readonly<Record<string, InputAction>> = {
  private_key: "block",
  api_key: "mask",
  jwt: "mask",
  url_credentials: "mask",
  email: "mask",
  phone: "mask",
  credit_card: "mask",
  iban: "mask",
  us_ssn: "mask",
};

export const defaultOutputPolicy: Readonly<Record<string, OutputAction>> = {
  private_key: "block",
  api_key: "redact",
};
