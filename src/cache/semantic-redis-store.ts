import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../observability/logger.js";
import type { CachedResponse } from "./store.js";
import { similarity, type SemanticMatch, type SemanticStore } from "./semantic-store.js";

/**
 * Adds an entry and keeps the partition bounded: drops expired entries, then the soonest to expire
 * past max entries, and sets the partition's keys to expire with its last entry.
 * KEYS: index (zset id -> expiresAt), vectors (hash), values (hash). ARGV: id, vector, value, expiresAt, now, max.
 */
const ADD_SCRIPT = `
local index, vectors, values = KEYS[1], KEYS[2], KEYS[3]
local now, max = tonumber(ARGV[5]), tonumber(ARGV[6])
redis.call('ZADD', index, ARGV[4], ARGV[1])
redis.call('HSET', vectors, ARGV[1], ARGV[2])
redis.call('HSET', values, ARGV[1], ARGV[3])
local drop = redis.call('ZRANGEBYSCORE', index, '-inf', now)
local live = redis.call('ZCARD', index) - #drop
if live > max then
  for _, id in ipairs(redis.call('ZRANGE', index, #drop, #drop + live - max - 1)) do table.insert(drop, id) end
end
for start = 1, #drop, 500 do
  local chunk = {unpack(drop, start, math.min(start + 499, #drop))}
  redis.call('ZREM', index, unpack(chunk))
  redis.call('HDEL', vectors, unpack(chunk))
  redis.call('HDEL', values, unpack(chunk))
end
local last = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
if last[2] then
  local ttl = math.max(1, math.ceil(tonumber(last[2]) - now))
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
end
return #drop
`;
const ADD_SHA = createHash("sha1").update(ADD_SCRIPT).digest("hex");

/**
 * Semantic entries shared by every node through Redis. Each partition is three keys under one hash
 * tag (so they live in one cluster slot): a sorted set of ids by expiry, a hash of packed vectors and
 * a hash of answers. A lookup reads the partition's vectors (HGETALL, a linear scan of at most
 * `maxEntries`) and fetches only the winning answer. A Redis failure is a miss, never a failed request.
 */
export class RedisSemanticStore implements SemanticStore {
  readonly kind = "redis";

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxEntries: number,
    private readonly logger: Logger,
    private readonly ownsConnection: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  async search(partition: string, vector: Float32Array, threshold: number): Promise<SemanticMatch | undefined> {
    const keys = this.keys(partition);
    try {
      const packed = await this.redis.hgetallBuffer(keys.vectors);
      const now = this.now();
      let best: { id: string; similarity: number } | undefined;
      for (const [id, buffer] of Object.entries(packed)) {
        const entry = unpack(buffer);
        if (!entry || entry.expiresAt <= now) continue;
        const score = similarity(vector, entry.vector);
        if (score >= threshold && (!best || score > best.similarity)) best = { id, similarity: score };
      }
      if (!best) return undefined;
      const text = await this.redis.hget(keys.values, best.id);
      return text === null ? undefined : { value: JSON.parse(text) as CachedResponse, similarity: best.similarity };
    } catch (error) {
      this.logger.warn({ err: error }, "semantic cache: redis read failed; treating as a miss");
      return undefined;
    }
  }

  async add(partition: string, id: string, vector: Float32Array, value: CachedResponse, ttlMs: number): Promise<void> {
    const keys = this.keys(partition);
    const now = this.now();
    const args = [id, pack(vector, now + ttlMs), JSON.stringify(value), now + ttlMs, now, this.maxEntries];
    const keyList = [keys.index, keys.vectors, keys.values];
    try {
      try {
        await this.redis.evalsha(ADD_SHA, keyList.length, ...keyList, ...args);
      } catch (error) {
        if (!String((error as Error).message).includes("NOSCRIPT")) throw error;
        await this.redis.eval(ADD_SCRIPT, keyList.length, ...keyList, ...args);
      }
    } catch (error) {
      this.logger.warn({ err: error }, "semantic cache: redis write failed; entry not stored");
    }
  }

  async close(): Promise<void> {
    if (this.ownsConnection) this.redis.disconnect();
  }

  private keys(partition: string): { index: string; vectors: string; values: string } {
    const base = `${this.prefix}sem:{${partition}}:`;
    return { index: `${base}index`, vectors: `${base}vectors`, values: `${base}values` };
  }
}

/** Expiry (float64) then the vector (float32), little-endian, so every node reads the same bytes. */
function pack(vector: Float32Array, expiresAt: number): Buffer {
  const buffer = Buffer.allocUnsafe(8 + vector.length * 4);
  buffer.writeDoubleLE(expiresAt, 0);
  for (let index = 0; index < vector.length; index++) buffer.writeFloatLE(vector[index]!, 8 + index * 4);
  return buffer;
}

function unpack(buffer: Buffer): { expiresAt: number; vector: Float32Array } | undefined {
  if (buffer.length < 8 || (buffer.length - 8) % 4 !== 0) return undefined;
  const vector = new Float32Array((buffer.length - 8) / 4);
  for (let index = 0; index < vector.length; index++) vector[index] = buffer.readFloatLE(8 + index * 4);
  return { expiresAt: buffer.readDoubleLE(0), vector };
}
