/** Fields whose values are secrets: the audit log keeps that they were set, never what they were. */
const SECRET_FIELDS = new Set(["key", "secret", "value", "password", "api_key", "apikey", "token"]);

/** A deep copy of a JSON value with every secret field replaced by "[redacted]". */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    out[name] = SECRET_FIELDS.has(name.toLowerCase()) && typeof field === "string" ? "[redacted]" : redactSecrets(field);
  }
  return out;
}
