import { z } from "zod";
import type { NamedSchema, Operation } from "./operation.js";
import { anthropicErrorSchema, openaiErrorSchema } from "./v1-responses.js";

type JsonSchema = Record<string, unknown>;

/**
 * Builds the OpenAPI 3.1 document from the operations' zod schemas (`z.toJSONSchema`, JSON Schema
 * 2020-12, OpenAPI 3.1's own dialect): request bodies and queries as the handlers accept them
 * (`io: "input"`), answers as they are sent (`io: "output"`). Each named schema appears once under
 * `components.schemas`; two different schemas under one name are a programming error.
 */
export function buildOpenApiDocument(operations: readonly Operation[], info: { version: string }): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};
  const owners = new Map<string, z.ZodType>();

  const reference = (named: NamedSchema, io: "input" | "output"): JsonSchema => {
    const owner = owners.get(named.name);
    if (owner && owner !== named.schema) throw new Error(`two schemas are named ${named.name}`);
    if (!owner) {
      owners.set(named.name, named.schema);
      components[named.name] = convert(named.schema, io, named.name, components);
    }
    return { $ref: `#/components/schemas/${named.name}` };
  };

  components.OpenAIError = convert(openaiErrorSchema, "output", "OpenAIError", components);
  components.AnthropicError = convert(anthropicErrorSchema, "output", "AnthropicError", components);

  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const path = operation.path.replace(/:([A-Za-z_]+)/g, "{$1}");
    const parameters = [...pathParameters(operation.path), ...queryParameters(operation.query)];
    const errorRef = { $ref: `#/components/schemas/${operation.path.startsWith("/v1/messages") ? "AnthropicError" : "OpenAIError"}` };
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(operation.responses)) {
      const content: Record<string, unknown> = {};
      if (response.schema) content[response.contentType ?? "application/json"] = { schema: reference(response.schema, "output") };
      else if (response.contentType) content[response.contentType] = {};
      if (response.stream) {
        content["text/event-stream"] = { schema: { type: "string", description: `Server-sent events; each data payload is a ${response.stream.name}.` }, "x-switchyard-event": reference(response.stream, "output") };
      }
      responses[status] = { description: response.description, ...(Object.keys(content).length > 0 && { content }) };
    }
    responses["4XX"] = { description: "Invalid request, authentication, permission, not found, conflict or limit, in the API's error format", content: { "application/json": { schema: errorRef } } };
    responses["5XX"] = { description: "Upstream or gateway failure, in the API's error format", content: { "application/json": { schema: errorRef } } };
    paths[path] ??= {};
    paths[path][operation.method] = {
      operationId: operationId(operation),
      tags: [operation.tag],
      summary: operation.summary,
      ...(operation.auth === "none" ? { security: [] } : {}),
      ...(parameters.length > 0 && { parameters }),
      ...(operation.body && {
        requestBody: { required: true, content: { [operation.body.contentType ?? "application/json"]: { schema: reference(operation.body, "input") } } },
      }),
      responses,
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard",
      version: info.version,
      description: "A self-hosted multi-model AI gateway: OpenAI- and Anthropic-compatible endpoints over every configured provider, and the admin API.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { apiKey: [] }],
    tags: [...new Set(operations.map((operation) => operation.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "The master key or a virtual key" },
        apiKey: { type: "apiKey", in: "header", name: "x-api-key", description: "The same keys, as Anthropic clients send them" },
      },
    },
  };
}

function convert(schema: z.ZodType, io: "input" | "output", name: string, components: Record<string, JsonSchema>): JsonSchema {
  const { $schema: _dialect, $defs, ...json } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  if (!$defs) return json;
  // Shared sub-schemas move next to their owner, so every $ref resolves from the document's root.
  const prefix = `${name}.`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        key === "$ref" && typeof item === "string" && item.startsWith("#/$defs/") ? `#/components/schemas/${prefix}${item.slice(8)}` : rewrite(item),
      ]),
    );
  };
  for (const [key, definition] of Object.entries($defs)) components[`${prefix}${key}`] = rewrite(definition) as JsonSchema;
  return rewrite(json) as JsonSchema;
}

function pathParameters(path: string) {
  return [...path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({ name: match[1], in: "path", required: true, schema: { type: "string" } }));
}

function queryParameters(query: z.ZodType | undefined) {
  if (!query) return [];
  const json = z.toJSONSchema(query, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({ name, in: "query", required: json.required?.includes(name) ?? false, schema }));
}

function operationId(operation: Operation): string {
  const words = operation.path
    .replace(/:([A-Za-z_]+)/g, "by-$1")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [operation.method, ...words].map((word, index) => (index === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join("");
}
