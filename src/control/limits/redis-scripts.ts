/**
 * Lua run atomically inside Redis: one decision across every budget, rate and concurrency counter
 * of a request, with Redis's own clock, so all nodes share one view and one time.
 *
 * acquire KEYS: budgets.., rates.., [parallel]
 *         ARGV: nBudgets, nRates, nParallel, estimateNano, (limitNano, unused)*nBudgets, (capacity, cost)*nRates, [parallelLimit]
 * returns {-1, i..} budgets needing a seed | {1, i, spent} budget denied | {2, j, retryMs} rate denied
 *         | {3} parallel denied | {0, budgetRemaining.., rateRemaining..}
 */
export const ACQUIRE_SCRIPT = `
local nb, nr, np = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local est = tonumber(ARGV[4])
local missing = {-1}
for i = 1, nb do
  if redis.call('HEXISTS', KEYS[i], 's') == 0 then missing[#missing + 1] = i end
end
if #missing > 1 then return missing end
local a = 5
local spent, reserved = {}, {}
for i = 1, nb do
  local s = tonumber(redis.call('HGET', KEYS[i], 's'))
  local r = tonumber(redis.call('HGET', KEYS[i], 'r') or '0')
  spent[i], reserved[i] = s, r
  if s + r + est > tonumber(ARGV[a]) then return {1, i, tostring(s)} end
  a = a + 2
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tokens = {}
for j = 1, nr do
  local cap, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local state = redis.call('HMGET', KEYS[nb + j], 't', 'at')
  local tk = cap
  if state[1] then tk = math.min(cap, tonumber(state[1]) + (now - tonumber(state[2])) * cap / 60000) end
  local need = math.min(cost, cap)
  if tk < need then return {2, j, tostring(math.ceil((need - tk) * 60000 / cap))} end
  tokens[j] = tk
  a = a + 2
end
if np == 1 then
  if tonumber(redis.call('GET', KEYS[nb + nr + 1]) or '0') >= tonumber(ARGV[a]) then return {3} end
end
local out = {0}
a = 5
for i = 1, nb do
  redis.call('HINCRBY', KEYS[i], 'r', ARGV[4])
  out[#out + 1] = tostring(tonumber(ARGV[a]) - spent[i] - reserved[i] - est)
  a = a + 2
end
for j = 1, nr do
  local left = tokens[j] - tonumber(ARGV[a + 1])
  redis.call('HSET', KEYS[nb + j], 't', tostring(left), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[nb + j], 120000)
  out[#out + 1] = tostring(left)
  a = a + 2
end
if np == 1 then
  redis.call('INCR', KEYS[nb + nr + 1])
  redis.call('PEXPIRE', KEYS[nb + nr + 1], 600000)
end
return out
`;

/**
 * settle KEYS: budgets.., rates.., [parallel]
 *        ARGV: nBudgets, nRates, nParallel, minusEstimateNano, actualNano, (capacity, delta)*nRates
 */
export const SETTLE_SCRIPT = `
local nb, nr, np = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 1, nb do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('HINCRBY', KEYS[i], 'r', ARGV[4])
    redis.call('HINCRBY', KEYS[i], 's', ARGV[5])
  end
end
local a = 6
for j = 1, nr do
  local t = redis.call('HGET', KEYS[nb + j], 't')
  if t then
    local value = math.min(tonumber(ARGV[a]), tonumber(t) + tonumber(ARGV[a + 1]))
    redis.call('HSET', KEYS[nb + j], 't', tostring(value))
  end
  a = a + 2
end
if np == 1 then
  if redis.call('DECR', KEYS[nb + nr + 1]) < 0 then redis.call('SET', KEYS[nb + nr + 1], '0', 'PX', 600000) end
end
return 0
`;

/** seed KEYS: budget; ARGV: spentNano, expireAtMs. Only the first node to seed a window wins. */
export const SEED_SCRIPT = `
if redis.call('HSETNX', KEYS[1], 's', ARGV[1]) == 1 then redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
return 0
`;
