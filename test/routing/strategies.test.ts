import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../../src/core/errors.js";
import { decideTier, budgetPressure } from "../../src/routing/auto/decide.js";
import { retryDelay } from "../../src/routing/backoff.js";
import { orderRoutes } from "../../src/routing/balancer.js";
import { fallbackOnSchema, retrySchema } from "../../src/routing/config-schema.js";
import { countsAgainstBreaker, triggersFallback } from "../../src/routing/failure-policy.js";
import type { AutoEntry, Route } from "../../src/routing/model-registry.js";
import { RouteStats } from "../../src/routing/route-stats.js";
import type { ProviderAdapter } from "../../src/providers/contract.js";
import { LearnedRouter } from "../../src/routing/auto/router-file.js";
import { trainRouter } from "../../src/routing/auto/train.js";
import { seededRandom } from "../helpers/seeded-random.js";
import { syntheticRows } from "./synthetic-data.js";

const provider = (name: string) => ({ name, type: "openai", specificationVersion: "v1" }) as unknown as ProviderAdapter;
const route = (name: string, weight?: number): Route => ({ provider: provider(name), model: "m", weight });

describe("retry delay", () => {
  const config = retrySchema.parse({ attempts: 3, initial_delay_ms: 100, max_delay_ms: 1_000, jitter: 0 });

  it("grows exponentially up to the cap", () => {
    expect([1, 2, 3, 4, 5].map((retry) => retryDelay(retry, config, undefined, 60_000))).toEqual([100, 200, 400, 800, 1_000]);
  });

  it("jitters within the configured fraction", () => {
    const jittered = retrySchema.parse({ initial_delay_ms: 1_000, jitter: 0.5 });
    expect(retryDelay(1, jittered, undefined, 60_000, () => 0)).toBe(500);
    expect(retryDelay(1, jittered, undefined, 60_000, () => 0.999)).toBe(1_000);
  });

  it("waits at least Retry-After, and skips the retry when that is too long or past the deadline", () => {
    expect(retryDelay(1, config, 2, 60_000)).toBe(2_000);
    expect(retryDelay(1, config, 60, 600_000)).toBeUndefined();
    expect(retryDelay(1, config, 2, 3_000)).toBeUndefined();
    expect(retryDelay(3, config, undefined, 500)).toBeUndefined();
  });
});

describe("balancing", () => {
  const routes = [route("a", 1), route("b", 3), route("c", 0.0001)];

  it("keeps config order for fallback", () => {
    expect(orderRoutes("fallback", routes, new RouteStats()).map((item) => item.provider.name)).toEqual(["a", "b", "c"]);
  });

  it("picks the first route in proportion to weights and keeps the others as fallbacks", () => {
    const random = seededRandom(7);
    const firsts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let index = 0; index < 4_000; index++) {
      const order = orderRoutes("weighted", routes, new RouteStats(), random);
      expect(order).toHaveLength(3);
      firsts[order[0]!.provider.name]!++;
    }
    expect(firsts.b! / firsts.a!).toBeGreaterThan(2.4);
    expect(firsts.b! / firsts.a!).toBeLessThan(3.6);
    expect(firsts.c).toBeLessThan(5);
  });

  it("least-latency tries unmeasured routes first, then the lowest moving average", () => {
    const stats = new RouteStats();
    stats.observe("a/m", 300);
    stats.observe("b/m", 100);
    expect(orderRoutes("least-latency", routes, stats).map((item) => item.provider.name)).toEqual(["c", "b", "a"]);
    stats.observe("c/m", 500);
    stats.observe("b/m", 1_000);
    // EWMA: b = 100 + 0.3 * 900 = 370 > a = 300
    expect(orderRoutes("least-latency", routes, stats).map((item) => item.provider.name)).toEqual(["a", "b", "c"]);
  });

  it("least-busy prefers the route with the fewest requests in flight", () => {
    const stats = new RouteStats();
    stats.begin("a/m");
    stats.begin("a/m");
    stats.begin("b/m");
    expect(orderRoutes("least-busy", routes, stats).map((item) => item.provider.name)).toEqual(["c", "b", "a"]);
    stats.end("a/m");
    stats.end("a/m");
    expect(orderRoutes("least-busy", routes, stats)[0]!.provider.name).toBe("a");
  });
});

describe("fallback triggers", () => {
  const upstream = (status: number) => new SwitchyardError(status === 429 ? "SWY_ERR_UPSTREAM_RATE_LIMITED" : status >= 500 ? "SWY_ERR_UPSTREAM_ERROR" : "SWY_ERR_UPSTREAM_BAD_REQUEST", "x", { upstream: { provider: "p", status } });

  it("follow the configured status codes, timeouts, connection errors and content filter", () => {
    const defaults = fallbackOnSchema.parse({});
    expect(triggersFallback(upstream(500), defaults)).toBe(true);
    expect(triggersFallback(upstream(429), defaults)).toBe(true);
    expect(triggersFallback(upstream(400), defaults)).toBe(false);
    expect(triggersFallback(new SwitchyardError("SWY_ERR_UPSTREAM_TIMEOUT", "t"), defaults)).toBe(true);
    expect(triggersFallback(new SwitchyardError("SWY_ERR_UPSTREAM_CONTENT_FILTER", "f"), defaults)).toBe(false);

    const custom = fallbackOnSchema.parse({ status_codes: [503], timeouts: false, connection_errors: false, content_filter: true });
    expect(triggersFallback(upstream(500), custom)).toBe(false);
    expect(triggersFallback(new SwitchyardError("SWY_ERR_UPSTREAM_TIMEOUT", "t"), custom)).toBe(false);
    expect(triggersFallback(new SwitchyardError("SWY_ERR_UPSTREAM_UNAVAILABLE", "u"), custom)).toBe(false);
    expect(triggersFallback(new SwitchyardError("SWY_ERR_UPSTREAM_CONTENT_FILTER", "f"), custom)).toBe(true);
  });

  it("count only endpoint-health failures against the breaker", () => {
    expect(countsAgainstBreaker(upstream(503))).toBe(true);
    expect(countsAgainstBreaker(upstream(400))).toBe(false);
    expect(countsAgainstBreaker(upstream(429))).toBe(false);
    expect(countsAgainstBreaker(new SwitchyardError("SWY_ERR_UPSTREAM_UNAVAILABLE", "reset"))).toBe(true);
  });
});

describe("auto decision", () => {
  const { file } = trainRouter(syntheticRows(200, 5), { strong: "strong", weak: "weak", folds: 3, grid: [{ label: "strong-wins", sparseStrength: 0.65 }] });
  const auto: AutoEntry = { router: new LearnedRouter(file), strong: "big", weak: "small", middle: [], targetStrong: 0.4, budgetFloor: 0.25, crossTierFallback: true };
  const hard = { model: "auto", messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "Eli has 512 coins, sells 25% of them, then buys 40 more and then gives away a third. How many coins are left?" }] }] };
  const easy = { model: "auto", messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "Eli has 5 coins. How many coins does Eli have?" }] }] };

  it("sends hard prompts to the strong model and easy ones to the weak", () => {
    expect(decideTier("auto", auto, hard, { keyId: "k" })).toMatchObject({ tier: "strong", model: "big" });
    expect(decideTier("auto", auto, easy, { keyId: "k" })).toMatchObject({ tier: "weak", model: "small" });
  });

  it("moves the threshold toward the weak model as the budget runs out", () => {
    expect(budgetPressure({ keyId: "k", budget: { remainingFraction: 0.9 } }, 0.25)).toBe(0);
    expect(budgetPressure({ keyId: "k", budget: { remainingFraction: 0.125 } }, 0.25)).toBeCloseTo(0.5);
    const relaxed = decideTier("auto", auto, hard, { keyId: "k", budget: { remainingFraction: 0.9 } });
    const pressed = decideTier("auto", auto, hard, { keyId: "k", budget: { remainingFraction: 0.1 } });
    expect(pressed.threshold).toBeGreaterThan(relaxed.threshold);
    expect(decideTier("auto", auto, hard, { keyId: "k", budget: { remainingFraction: 0 } }).tier).toBe("weak");
  });

  it("splits traffic over middle tiers by their shares, strongest first", () => {
    const tiered: AutoEntry = { ...auto, targetStrong: 0.3, middle: [{ model: "mid", share: 0.4 }] };
    const counts = new Map<string, number>();
    const rows = syntheticRows(400, 77);
    for (const row of rows) {
      const request = { model: "auto", messages: [{ role: "user" as const, content: [{ type: "text" as const, text: row.prompt }] }] };
      const decision = decideTier("auto", tiered, request, { keyId: "k" });
      counts.set(decision.model, (counts.get(decision.model) ?? 0) + 1);
      expect(decision.tier).toBe(decision.model === "big" ? "strong" : decision.model === "mid" ? "middle" : "weak");
    }
    // Shares are met on fresh prompts to within the calibration's resolution on this clustered data.
    const share = (model: string) => (counts.get(model) ?? 0) / rows.length;
    expect(Math.abs(share("big") - 0.3), `strong ${share("big")}`).toBeLessThan(0.1);
    expect(Math.abs(share("mid") - 0.4), `middle ${share("mid")}`).toBeLessThan(0.1);
    expect(Math.abs(share("small") - 0.3), `weak ${share("small")}`).toBeLessThan(0.1);
    expect(decideTier("auto", tiered, hard, { keyId: "k", budget: { remainingFraction: 0 } }).model).toBe("small");
  });

  it("leaves tiers the caller cannot see out: the decision falls to the nearest visible tier below, else the weakest visible", () => {
    const tiered: AutoEntry = { ...auto, targetStrong: 0.3, middle: [{ model: "mid", share: 0.4 }] };
    const rows = syntheticRows(400, 77).map((row) => ({ model: "auto", messages: [{ role: "user" as const, content: [{ type: "text" as const, text: row.prompt }] }] }));
    const all = rows.map((request) => decideTier("auto", tiered, request, { keyId: "k" }));
    const without = (hidden: string) => rows.map((request) => decideTier("auto", tiered, request, { keyId: "k" }, (model) => model !== hidden));
    // Keyed by the hidden tier, then by the tier decided with every tier visible.
    const fallsTo: Record<string, Record<string, string>> = { big: { big: "mid" }, mid: { mid: "small" }, small: { small: "mid" } };
    for (const hidden of ["big", "mid", "small"]) {
      const decided = without(hidden);
      decided.forEach((decision, index) => {
        const expected = fallsTo[hidden]![all[index]!.model] ?? all[index]!.model;
        expect(decision.model).toBe(expected);
        expect(decision.tier).toBe(expected === "big" ? "strong" : expected === "mid" ? "middle" : "weak");
        expect(decision.score).toBe(all[index]!.score);
      });
      expect(decided.some((decision) => decision.model === hidden)).toBe(false);
    }
    // Every tier moved somewhere in this sample, so each mapping above was exercised.
    expect(new Set(all.map((decision) => decision.model))).toEqual(new Set(["big", "mid", "small"]));
    // Under full budget pressure a hidden weak tier leaves the weakest visible one.
    expect(decideTier("auto", tiered, hard, { keyId: "k", budget: { remainingFraction: 0 } }, (model) => model !== "small").model).toBe("mid");
  });
});
