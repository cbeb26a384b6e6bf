/** A deterministic value that satisfies a (simple) JSON Schema: used by emulators to answer JSON-mode and tool calls. */
export function exampleFromSchema(schema: unknown, key = "value"): unknown {
  const node = (schema ?? {}) as Record<string, unknown>;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  if (node.const !== undefined) return node.const;
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  if (Array.isArray(node.anyOf)) return exampleFromSchema(node.anyOf[0], key);
  if (Array.isArray(node.oneOf)) return exampleFromSchema(node.oneOf[0], key);
  switch (type) {
    case "object": {
      const properties = (node.properties ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(properties)) out[name] = exampleFromSchema(child, name);
      return out;
    }
    case "array":
      return [exampleFromSchema(node.items, key)];
    case "integer":
      return 42;
    case "number":
      return 3.5;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return key === "location" || key === "city" ? "Paris" : `example ${key}`;
  }
}
