import { Redis } from "ioredis";

/** A Redis connection for shared counters. Commands queue while connecting; failures surface per command. */
export function createRedis(url: string, options: { connectionName?: string } = {}): Redis {
  const redis = new Redis(url, {
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
