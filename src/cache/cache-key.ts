import { createHash } from "node:crypto";
import type { ChatRequest } from "../core/types.js";

/**
 * The exact-match key: a hash of everything in the canonical request that can change the output
 * (public model, messages, tools, sampling settings, provider options), plus the scope. The
 * end-user id is left out: it only tags the request for abuse tracking upstream.
 */
export function cacheKey(request: ChatRequest, scope: string): string {
  const { user: _user, ...rest } = request;
  return createHash("sha256").update(scope).update("\u0000").update(stableStringify(rest)).digest("base64url");
}

/** JSON with object keys sorted, so two equal requests always hash the same. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : stableStringify(item))).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(record[key])}`).join(",")}}`;
}
