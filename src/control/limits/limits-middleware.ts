import { SwitchyardError } from "../../core/errors.js";
import type { StreamPart } from "../../core/types.js";
import type { GatewayContext } from "../../gateway/context.js";
import type { ChatMiddleware } from "../../gateway/pipeline.js";
import type { Kysely } from "kysely";
import type { Database } from "../../storage/database.js";
import type { KeyDirectory, KeyGrant } from "../auth/key-directory.js";
import type { PriceBook, PricedRoute } from "../pricing/price-book.js";
import { StreamMeter } from "../usage/stream-meter.js";
import { quickInputEstimate } from "../usage/token-estimate.js";
import type { AcquireRequest, AcquireResult, CounterStore, ParallelCounter, SettleRequest } from "./counter-store.js";
import { GrantPlans, NANO, withTokens, type GrantPlan, type LimitPlan } from "./limit-plan.js";

export interface LimitsMiddlewareOptions {
  db: Kysely<Database>;
  directory: KeyDirectory;
  counters: CounterStore;
  prices: PriceBook;
  /** The route a public model would most likely take, for pricing the reservation. */
  likelyRoute: (publicModel: string) => PricedRoute | undefined;
  defaultOutputEstimate: number;
  onSettleError?: (error: unknown) => void;
}

const usd = (value: number) => `$${value.toFixed(value < 1 ? 4 : 2)}`;

/**
 * Rate limits, concurrency and budgets for virtual keys. Reserves the request's estimated cost (and
 * tokens) up front in one atomic decision, and settles the real cost when the response ends, so
 * concurrent requests can overspend a budget by at most what was in flight beyond its estimate.
 */
export function createLimitsMiddleware(options: LimitsMiddlewareOptions): ChatMiddleware {
  const reserve = limitsReserver(options);
  return {
    name: "limits",
    async handle(context, next) {
      const settle = await reserve(context);
      if (!settle) return next(context);
      let result;
      try {
        result = await next(context);
      } catch (error) {
        settle(0, 0);
        throw error;
      }
      const meter = StreamMeter.of(context, options.prices);
      return { stream: settling(meter.observe(result.stream), meter, settle) };
    },
  };
}

/** Settles a reservation with what the request really cost (nano-USD) and used (tokens); once. */
export type LimitSettlement = (actualNano: number, actualTokens: number) => void;

/**
 * The limits check itself: reserves for one request and returns how to settle it, or undefined when
 * the caller's key has nothing to check; throws the denial (429) or SWY_ERR_LIMITS_UNAVAILABLE.
 * The middleware wraps it around the chain; the OpenAI edge's fast path calls it directly.
 */
export function limitsReserver(options: LimitsMiddlewareOptions): (context: GatewayContext) => Promise<LimitSettlement | undefined> {
  const { counters, prices } = options;
  const plans = new GrantPlans(options.db);
  const parallels = new WeakMap<KeyGrant, ParallelCounter>();
  return async (context) => {
    const grant = options.directory.grant(context.principal.keyId);
    if (!grant) return undefined;
    const inputEstimate = quickInputEstimate(context.request);
    // An embedding answers with vectors, not tokens: only its input is reserved.
    const outputEstimate = context.operation === "embeddings" ? 0 : (context.request.maxOutputTokens ?? options.defaultOutputEstimate);
    const reservedTokens = inputEstimate + (context.request.maxOutputTokens ?? 0);
    const route = options.likelyRoute(context.request.model);
    const estimateNano = route ? prices.cost(route, { inputTokens: inputEstimate, outputTokens: outputEstimate }) * NANO : 0;
    const grantPlan = plans.of(grant, Date.now());
    const plan = withTokens(grantPlan, reservedTokens);
    const parallel = parallelOf(parallels, grant);
    if (plan.budgets.length === 0 && plan.rates.length === 0 && !parallel) return undefined;

    const request: AcquireRequest = { budgets: plan.budgets, estimateNano, rates: plan.rates, parallel };
    let decision: AcquireResult;
    try {
      // In memory with every budget seeded the decision needs no await (one less turn per request).
      decision = counters.acquireNow?.(request) ?? (await counters.acquire(request));
    } catch (error) {
      // Failing closed: an unreachable counter store must not turn budgets off.
      throw new SwitchyardError("SWY_ERR_LIMITS_UNAVAILABLE", "Rate limits and budgets cannot be checked right now; try again shortly.", {
        cause: error,
        retryAfterSeconds: 1,
      });
    }
    if (!decision.ok) throw denial(decision, plan, grant.key.name || grant.key.id, parallel?.limit);
    limitHeaders(context.responseHeaders, grantPlan, decision);
    const fraction = remainingFraction(plan, decision.budgetRemaining);
    if (fraction !== undefined) context.principal = { ...context.principal, budget: { remainingFraction: fraction } };

    let settled = false;
    return (actualNano, actualTokens) => {
      if (settled) return;
      settled = true;
      const { tokenRates } = grantPlan;
      const rateCorrections: SettleRequest["rateCorrections"] = new Array(tokenRates.length);
      for (let index = 0; index < tokenRates.length; index++) {
        const rate = plan.rates[tokenRates[index]!]!;
        rateCorrections[index] = { key: rate.key, capacity: rate.capacity, delta: reservedTokens - actualTokens };
      }
      const settlement: SettleRequest = { budgets: plan.budgets, estimateNano, actualNano, rateCorrections, parallel };
      if (counters.settleNow) counters.settleNow(settlement);
      else counters.settle(settlement).catch((error: unknown) => options.onSettleError?.(error));
    };
  };
}

/** The key's concurrency counter, made once per grant (undefined when the key has no limit). */
function parallelOf(cache: WeakMap<KeyGrant, ParallelCounter>, grant: KeyGrant): ParallelCounter | undefined {
  if (grant.key.maxParallel === undefined) return undefined;
  let parallel = cache.get(grant);
  if (!parallel) {
    parallel = Object.freeze({ key: `p:key:${grant.key.id}`, limit: grant.key.maxParallel });
    cache.set(grant, parallel);
  }
  return parallel;
}

async function* settling(
  stream: AsyncIterable<StreamPart>,
  meter: StreamMeter,
  settle: LimitSettlement,
): AsyncGenerator<StreamPart> {
  try {
    yield* stream;
  } finally {
    const measured = await meter.measure().catch(() => undefined);
    settle(Math.round((measured?.costUsd ?? 0) * NANO), (measured?.inputTokens ?? 0) + (measured?.outputTokens ?? 0));
  }
}

function remainingFraction(plan: LimitPlan, remaining: number[]): number | undefined {
  let fraction: number | undefined;
  for (let index = 0; index < plan.budgetLines.length; index++) {
    const value = Math.max(0, remaining[index]! / NANO / plan.budgetLines[index]!.limitUsd);
    fraction = fraction === undefined ? value : Math.min(fraction, value);
  }
  return fraction;
}

const RATE_HEADERS = {
  requests: ["x-ratelimit-limit-requests", "x-ratelimit-remaining-requests"],
  tokens: ["x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens"],
} as const;

/**
 * Sets the headers every limited answer carries: the tightest rate per unit and the tightest budget.
 * Index loops and the limits' texts made once per plan: it runs per request.
 */
function limitHeaders(headers: Record<string, string>, plan: GrantPlan, decision: Extract<AcquireResult, { ok: true }>): void {
  for (const unit of ["requests", "tokens"] as const) {
    let tightestLine = -1;
    let least = -1;
    for (let index = 0; index < plan.rateLines.length; index++) {
      if (plan.rateLines[index]!.unit !== unit) continue;
      const remaining = Math.max(0, Math.floor(decision.rateRemaining[index]!));
      if (least < 0 || remaining < least) {
        tightestLine = index;
        least = remaining;
      }
    }
    if (least >= 0) {
      headers[RATE_HEADERS[unit][0]] = plan.rateLimitTexts[tightestLine]!;
      headers[RATE_HEADERS[unit][1]] = String(least);
    }
  }
  let tightestLine = -1;
  let tightest = -1;
  for (let index = 0; index < plan.budgetLines.length; index++) {
    const remaining = Math.max(0, decision.budgetRemaining[index]! / NANO);
    if (tightest < 0 || remaining < tightest) {
      tightestLine = index;
      tightest = remaining;
    }
  }
  if (tightest >= 0) {
    headers["x-switchyard-budget-limit-usd"] = plan.budgetLimitTexts[tightestLine]!;
    headers["x-switchyard-budget-remaining-usd"] = tightest.toFixed(6);
  }
}

const periodName = { day: "daily", week: "weekly", month: "monthly" } as const;

export function denial(decision: Exclude<AcquireResult, { ok: true }>, plan: LimitPlan, keyName: string, parallelLimit: number | undefined): SwitchyardError {
  if (decision.kind === "budget") {
    const line = plan.budgetLines[decision.index]!;
    const resets = new Date(line.windowEnd).toISOString();
    const label = `${periodName[line.period]} budget of ${line.scope} '${line.name}'`;
    return new SwitchyardError(
      "SWY_ERR_BUDGET_EXCEEDED",
      `Budget exceeded: the ${label} is ${usd(line.limitUsd)} and ${usd(decision.spentNano / NANO)} is spent (plus requests in flight). It resets at ${resets}.`,
      {
        retryAfterSeconds: (line.windowEnd - Date.now()) / 1000,
        headers: {
          "x-switchyard-budget": `${line.scope}:${line.period}`,
          "x-switchyard-budget-limit-usd": line.limitUsd.toFixed(6),
          "x-switchyard-budget-remaining-usd": Math.max(0, line.limitUsd - decision.spentNano / NANO).toFixed(6),
        },
      },
    );
  }
  if (decision.kind === "rate") {
    const line = plan.rateLines[decision.index]!;
    const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    return new SwitchyardError(
      "SWY_ERR_RATE_LIMITED",
      `Rate limit exceeded: ${line.scope} '${line.name}' allows ${line.perMinute} ${line.unit} per minute. Retry in ${seconds} s.`,
      {
        retryAfterSeconds: seconds,
        headers: {
          [`x-ratelimit-limit-${line.unit}`]: String(line.perMinute),
          [`x-ratelimit-remaining-${line.unit}`]: "0",
          [`x-ratelimit-reset-${line.unit}`]: `${seconds}s`,
        },
      },
    );
  }
  return new SwitchyardError("SWY_ERR_RATE_LIMITED", `Too many requests in flight: key '${keyName}' allows ${parallelLimit} at a time.`, {
    retryAfterSeconds: 1,
  });
}
