import type { Redis } from "ioredis";
import type { CircuitBreakerConfig } from "../config-schema.js";
import type { BreakerPermit, BreakerSnapshot, BreakerState, BreakerStore } from "./breaker-store.js";

/**
 * Breakers shared by every gateway node through Redis. Each transition is one Lua script, so two
 * nodes never both take the last half-open probe slot or both miss a trip. Times come from the
 * caller (epoch ms) so the state machine matches the in-memory one exactly.
 */

const ACQUIRE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local probes = tonumber(ARGV[2])
local cooldown = tonumber(ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
local state = redis.call('HGET', key, 'state') or 'closed'
if state == 'open' then
  local openUntil = tonumber(redis.call('HGET', key, 'ou') or '0')
  if now < openUntil then return {0, 'open', openUntil - now, 0} end
  state = 'half-open'
  redis.call('HSET', key, 'state', state, 'pif', 0)
end
if state == 'half-open' then
  local inFlight = tonumber(redis.call('HGET', key, 'pif') or '0')
  if inFlight >= probes then return {0, 'half-open', cooldown, 0} end
  redis.call('HINCRBY', key, 'pif', 1)
  return {1, 'half-open', 0, 1}
end
return {1, 'closed', 0, 0}
`;

const RECORD = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local success = ARGV[2] == '1'
local probe = ARGV[3] == '1'
local windowMs = tonumber(ARGV[4])
local minRequests = tonumber(ARGV[5])
local errorRate = tonumber(ARGV[6])
local consecutiveLimit = tonumber(ARGV[7])
local cooldown = tonumber(ARGV[8])
local function num(field) return tonumber(redis.call('HGET', key, field) or '0') end
local state = redis.call('HGET', key, 'state') or 'closed'
local windowStart = num('ws')
local requests = num('wr')
local failures = num('wf')
if now - windowStart > windowMs then windowStart = now; requests = 0; failures = 0 end
requests = requests + 1
if not success then failures = failures + 1 end
local consecutive = 0
if not success then consecutive = num('cf') + 1 end
local inFlight = num('pif')
if probe and inFlight > 0 then inFlight = inFlight - 1 end
local function open()
  state = 'open'
  redis.call('HSET', key, 'ou', now + cooldown)
  redis.call('HINCRBY', key, 'opens', 1)
  inFlight = 0
end
if state == 'half-open' and probe then
  if success then state = 'closed'; windowStart = now; requests = 0; failures = 0 else open() end
elseif state == 'closed' and not success then
  if consecutive >= consecutiveLimit or (requests >= minRequests and failures / requests >= errorRate) then open() end
end
redis.call('HSET', key, 'state', state, 'ws', windowStart, 'wr', requests, 'wf', failures, 'cf', consecutive, 'pif', inFlight)
redis.call('PEXPIRE', key, math.max(windowMs, cooldown) * 10)
return state
`;

const RELEASE = `
local inFlight = tonumber(redis.call('HGET', KEYS[1], 'pif') or '0')
if inFlight > 0 then redis.call('HSET', KEYS[1], 'pif', inFlight - 1) end
return 1
`;

interface BreakerCommands {
  swyBreakerRelease(key: string): Promise<number>;
  swyBreakerAcquire(key: string, index: string, now: number, probes: number, cooldown: number, name: string): Promise<[number, string, number, number]>;
  swyBreakerRecord(key: string, now: number, success: string, probe: string, windowMs: number, minRequests: number, errorRate: number, consecutive: number, cooldown: number): Promise<string>;
}

export class RedisBreakerStore implements BreakerStore {
  readonly kind = "redis" as const;
  private readonly commands: BreakerCommands;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = "swy:breaker:",
    private readonly ownsConnection = false,
  ) {
    redis.defineCommand("swyBreakerAcquire", { numberOfKeys: 2, lua: ACQUIRE });
    redis.defineCommand("swyBreakerRecord", { numberOfKeys: 1, lua: RECORD });
    redis.defineCommand("swyBreakerRelease", { numberOfKeys: 1, lua: RELEASE });
    this.commands = redis as unknown as BreakerCommands;
  }

  private get index(): string {
    return `${this.prefix}index`;
  }

  async acquire(key: string, config: CircuitBreakerConfig, now: number): Promise<BreakerPermit> {
    const [allowed, state, retryInMs, probe] = await this.commands.swyBreakerAcquire(
      this.prefix + key,
      this.index,
      now,
      config.half_open_probes,
      config.cooldown_ms,
      key,
    );
    return { allowed: allowed === 1, state: state as BreakerState, retryInMs: allowed === 1 ? undefined : retryInMs, probe: probe === 1 };
  }

  async record(key: string, config: CircuitBreakerConfig, success: boolean, probe: boolean, now: number): Promise<BreakerState> {
    const state = await this.commands.swyBreakerRecord(
      this.prefix + key,
      now,
      success ? "1" : "0",
      probe ? "1" : "0",
      config.window_ms,
      config.min_requests,
      config.error_rate,
      config.consecutive_failures,
      config.cooldown_ms,
    );
    return state as BreakerState;
  }

  async release(key: string): Promise<void> {
    await this.commands.swyBreakerRelease(this.prefix + key);
  }

  async snapshot(now: number): Promise<BreakerSnapshot[]> {
    const keys = await this.redis.smembers(this.index);
    const out: BreakerSnapshot[] = [];
    for (const key of keys.sort()) {
      const fields = await this.redis.hgetall(this.prefix + key);
      const state = (fields.state ?? "closed") as BreakerState;
      const openUntil = Number(fields.ou ?? 0);
      out.push({
        key,
        state: state === "open" && now >= openUntil ? "half-open" : state,
        consecutiveFailures: Number(fields.cf ?? 0),
        windowRequests: Number(fields.wr ?? 0),
        windowFailures: Number(fields.wf ?? 0),
        openUntil: state === "open" ? openUntil : undefined,
        opens: Number(fields.opens ?? 0),
      });
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.ownsConnection) this.redis.disconnect();
  }
}
