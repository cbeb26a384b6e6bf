import type { GatewayContext } from "../gateway/context.js";
import type { CacheConfig } from "./config-schema.js";

/** What the cache does for one request: read (serve hits), write (store the answer), and for how long. */
export interface CachePolicy {
  read: boolean;
  write: boolean;
  ttlMs: number;
}

const OFF: CachePolicy = Object.freeze({ read: false, write: false, ttlMs: 0 });

/**
 * Per-request choice from the mode, the key's metadata (`cache: true|false`) and the headers:
 * `x-switchyard-cache: on | off | refresh`, `Cache-Control: no-store` (off), `no-cache` (refresh:
 * skip the lookup, store the fresh answer), `max-age=N` (store for N seconds).
 */
export function cachePolicy(context: GatewayContext, config: CacheConfig): CachePolicy {
  if (config.mode === "off") return OFF;
  const headers = context.headers ?? {};
  const choice = headerValue(headers["x-switchyard-cache"])?.toLowerCase();
  const cacheControl = headerValue(headers["cache-control"])?.toLowerCase() ?? "";
  const keyChoice = context.principal.metadata?.cache;
  let enabled = config.mode === "on";
  if (typeof keyChoice === "boolean") enabled = keyChoice;
  if (choice === "on" || choice === "refresh") enabled = true;
  if (choice === "off" || choice === "bypass") enabled = false;
  if (!enabled || /(^|[\s,])no-store($|[\s,])/.test(cacheControl)) return OFF;
  const refresh = choice === "refresh" || /(^|[\s,])no-cache($|[\s,])/.test(cacheControl);
  const maxAge = /(?:^|[\s,])max-age=(\d+)/.exec(cacheControl);
  const ttlSeconds = maxAge ? Math.min(Number(maxAge[1]), config.ttl_seconds) : config.ttl_seconds;
  if (ttlSeconds <= 0) return { read: !refresh, write: false, ttlMs: 0 };
  return { read: !refresh, write: true, ttlMs: ttlSeconds * 1000 };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
