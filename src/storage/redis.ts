import { createRequire } from "node:module";
import type { Redis } from "ioredis";

// ioredis (~4 MB resident) loads only when Redis is configured.
const require = createRequire(import.meta.url);

/** A Redis connection for shared counters. Commands queue while connecting; failures surface per command. */
export function createRedis(url: string, options: { connectionName?: string } = {}): Redis {
  const { Redis: RedisClient } = require("ioredis") as typeof import("ioredis");
  const redis = new RedisClient(url, {
    connectionName: options.connectionName ?? "switchyard",
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
    lazyConnect: false,
  });
  // Without a listener ioredis logs every reconnect failure itself; callers see the error on their command.
  redis.on("error", () => undefined);
  return redis;
}

export type { Redis } from "ioredis";
