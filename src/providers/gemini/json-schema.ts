import type { JsonSchema } from "../../core/types.js";

/** Keywords Gemini's OpenAPI-subset `Schema` accepts; everything else is removed (and reported). */
const allowed = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "properties",
  "required",
  "items",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "minProperties",
  "maxProperties",
  "anyOf",
  "propertyOrdering",
]);

const allowedFormats: Record<string, Set<string>> = {
  string: new Set(["enum", "date-time"]),
  integer: new Set(["int32", "int64"]),
  number: new Set(["float", "double"]),
};

const MAX_DEPTH = 24;

export interface SanitizedSchema {
  /** Undefined when nothing is left (an object without properties): callers omit the field. */
  schema: JsonSchema | undefined;
  removed: string[];
}

/**
 * JSON Schema -> the subset Gemini's `responseSchema` and function `parameters` accept.
 * `$ref`s are inlined from `$defs`/`definitions`, `oneOf` becomes `anyOf`, `const` becomes a one-value
 * enum, `allOf` is merged, type unions with null become `nullable`; other keywords are dropped,
 * so a schema written for OpenAI still works instead of failing the request.
 */
export function sanitizeSchemaForGemini(input: JsonSchema): SanitizedSchema {
  const removed = new Set<string>();
  const definitions = {
    ...(isRecord(input.definitions) ? input.definitions : {}),
    ...(isRecord(input.$defs) ? input.$defs : {}),
  };
  const schema = convert(input, definitions, removed, 0);
  return { schema, removed: [...removed].sort() };
}

function convert(
  node: unknown,
  definitions: Record<string, unknown>,
  removed: Set<string>,
  depth: number,
): JsonSchema | undefined {
  if (!isRecord(node)) return undefined;
  if (depth > MAX_DEPTH) {
    // A recursive $ref cannot be inlined forever; an open object is the closest Gemini can take.
    removed.add("$ref (recursive)");
    return { type: "object" };
  }
  let source: Record<string, unknown> = node;
  if (typeof source.$ref === "string") {
    const target = resolveReference(source.$ref, definitions);
    if (target === undefined) {
      removed.add("$ref");
      return undefined;
    }
    const { $ref: _reference, ...rest } = source;
    source = { ...target, ...rest };
  }
  if (Array.isArray(source.allOf)) source = mergeAllOf(source, definitions, removed);

  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "$defs" || key === "definitions") {
      if (depth > 0) removed.add(key);
      continue;
    }
    if (key === "oneOf" || key === "anyOf") {
      const options = Array.isArray(value) ? value : [];
      const nonNull = options.filter((option) => !(isRecord(option) && option.type === "null"));
      if (nonNull.length < options.length) out.nullable = true;
      const converted = nonNull
        .map((option) => convert(option, definitions, removed, depth + 1))
        .filter((option): option is JsonSchema => option !== undefined);
      if (converted.length === 1) Object.assign(out, converted[0]);
      else if (converted.length > 1) out.anyOf = converted;
      continue;
    }
    if (key === "const") {
      if (typeof value === "string") out.enum = [value];
      else removed.add("const");
      continue;
    }
    if (!allowed.has(key)) {
      removed.add(key);
      continue;
    }
    out[key] = value;
  }

  normaliseType(out, removed);
  if (isRecord(out.properties)) {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, child] of Object.entries(out.properties)) {
      const converted = convert(child, definitions, removed, depth + 1);
      properties[name] = converted ?? { type: "string" };
    }
    if (Object.keys(properties).length === 0) delete out.properties;
    else out.properties = properties;
  }
  if (Array.isArray(out.required) && isRecord(out.properties)) {
    const names = out.properties;
    out.required = out.required.filter((name) => typeof name === "string" && name in names);
    if ((out.required as unknown[]).length === 0) delete out.required;
  } else delete out.required;
  if (out.items !== undefined) {
    const items = convert(Array.isArray(out.items) ? out.items[0] : out.items, definitions, removed, depth + 1);
    if (items === undefined) delete out.items;
    else out.items = items;
  }
  if (out.enum !== undefined) {
    const values = Array.isArray(out.enum) ? out.enum : [];
    if (values.every((value) => typeof value === "string")) {
      out.type = "string";
    } else {
      // Gemini only takes string enums.
      removed.add("enum (non-string)");
      delete out.enum;
    }
  }
  if (typeof out.format === "string" && typeof out.type === "string" && !allowedFormats[out.type]?.has(out.format)) {
    removed.add(`format: ${out.format}`);
    delete out.format;
  }
  if (depth === 0 && out.type === "object" && out.properties === undefined) return undefined;
  return out;
}

function normaliseType(out: JsonSchema, removed: Set<string>): void {
  if (!Array.isArray(out.type)) return;
  const types = out.type.filter((type): type is string => typeof type === "string");
  const nonNull = types.filter((type) => type !== "null");
  if (nonNull.length < types.length) out.nullable = true;
  if (nonNull.length === 1) out.type = nonNull[0];
  else if (nonNull.length === 0) delete out.type;
  else {
    removed.add("type (union)");
    out.type = nonNull[0];
  }
}

function mergeAllOf(
  source: Record<string, unknown>,
  definitions: Record<string, unknown>,
  removed: Set<string>,
): Record<string, unknown> {
  const { allOf, ...rest } = source;
  const merged: Record<string, unknown> = { ...rest };
  for (const part of allOf as unknown[]) {
    let item = part;
    if (isRecord(item) && typeof item.$ref === "string") item = resolveReference(item.$ref, definitions);
    if (!isRecord(item)) {
      removed.add("allOf");
      continue;
    }
    for (const [key, value] of Object.entries(item)) {
      if (key === "properties" && isRecord(value)) {
        merged.properties = { ...(isRecord(merged.properties) ? merged.properties : {}), ...value };
      } else if (key === "required" && Array.isArray(value)) {
        merged.required = [...(Array.isArray(merged.required) ? merged.required : []), ...value];
      } else if (!(key in merged)) merged[key] = value;
    }
  }
  return merged;
}

function resolveReference(reference: string, definitions: Record<string, unknown>): Record<string, unknown> | undefined {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(reference);
  if (!match) return undefined;
  const target = definitions[decodeURIComponent(match[1]!).replace(/~1/g, "/").replace(/~0/g, "~")];
  return isRecord(target) ? target : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
