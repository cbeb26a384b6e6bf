import { z } from "zod";

const vertexSchema = z
  .object({
    project: z.string().min(1),
    /** A region such as `us-central1`, or `global`. */
    location: z.string().min(1).default("us-central1"),
    /** A credential location for an OAuth access token (`env:VERTEX_ACCESS_TOKEN`). */
    access_token: z.string().optional(),
    /** Path of a service-account JSON key; tokens are minted from it and refreshed before they expire. */
    service_account_file: z.string().optional(),
  })
  .strict()
  .refine((vertex) => vertex.access_token !== undefined || vertex.service_account_file !== undefined, {
    message: "vertex needs access_token (e.g. env:VERTEX_ACCESS_TOKEN) or service_account_file",
  });

/** Google Gemini: AI Studio (API key) or Vertex AI (`vertex: {project, location}` with a bearer token). */
export const geminiConfigSchema = z
  .object({
    type: z.literal("gemini"),
    /** AI Studio key location (`env:GEMINI_API_KEY`); not used with `vertex`. */
    api_key: z.string().optional(),
    vertex: vertexSchema.optional(),
    /** Overrides the endpoint root (tests, proxies, regional endpoints). */
    base_url: z.string().url().optional(),
    /** API version path segment: `v1beta` for AI Studio and `v1` for Vertex by default. */
    api_version: z.string().regex(/^v[0-9a-z]+$/).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    models: z.array(z.string()).optional(),
  })
  .strict()
  .refine((config) => !(config.api_key !== undefined && config.vertex !== undefined), {
    message: "set either api_key (AI Studio) or vertex, not both",
  });

export type GeminiConfig = z.infer<typeof geminiConfigSchema>;
