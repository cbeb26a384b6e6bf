import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMiddleware } from "../../src/gateway/pipeline.js";
import { startControlFixture, type ControlFixture } from "./control-fixture.js";
import { burnBudget, concurrentAgainstBudget, createKey } from "./limits-scenarios.js";

describe("limits and budgets on one node", () => {
  let fx: ControlFixture;
  const seenFractions: Array<number | undefined> = [];
  const spy: ChatMiddleware = {
    name: "spy",
    handle(context, next) {
      seenFractions.push(context.principal.budget?.remainingFraction);
      return next(context);
    },
  };

  beforeAll(async () => {
    fx = await startControlFixture({}, {});
    fx.gateway.gateway.use(spy);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("refuses a spent budget with 429 in the API's own format, naming the budget", async () => {
    const key = await createKey(fx.admin, "budget-format", { budgets: { daily_usd: 0.0001 } });
    const first = await fx.chat(key.secret, { max_tokens: 5 });
    expect(first.status).toBe(200);
    expect(Number(first.headers["x-switchyard-budget-remaining-usd"])).toBeLessThan(0.0001);
    expect(first.headers["x-switchyard-budget-limit-usd"]).toBe("0.000100");
    await burnBudget(fx.chat, key.secret);

    const openai = await fx.chat(key.secret, { max_tokens: 5 });
    expect(openai.status).toBe(429);
    expect(openai.json.error).toMatchObject({ type: "insufficient_quota", code: "SWY_ERR_BUDGET_EXCEEDED" });
    expect(openai.json.error.message).toMatch(/daily budget of key 'budget-format-key' is \$0\.0001/);
    expect(Number(openai.headers["retry-after"])).toBeGreaterThan(0);
    expect(openai.headers["x-switchyard-budget"]).toBe("key:day");

    const anthropic = await fx.gateway.server.inject({
      method: "POST",
      url: "/v1/messages",
      headers: { "x-api-key": key.secret },
      payload: { model: "gpt-4o", max_tokens: 5, messages: [{ role: "user", content: "hi" }] },
    });
    expect(anthropic.statusCode).toBe(429);
    expect(anthropic.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(anthropic.json().error.message).toContain("Budget exceeded");
  });

  it("tells the router how much budget is left", async () => {
    const key = await createKey(fx.admin, "fraction", { budgets: { monthly_usd: 1 } });
    seenFractions.length = 0;
    await fx.chat(key.secret, { max_tokens: 5 });
    expect(seenFractions[0]).toBeGreaterThan(0.99);
    expect(seenFractions[0]).toBeLessThan(1);
  });

  it("limits requests per minute with Retry-After and remaining-request headers", async () => {
    const key = await createKey(fx.admin, "rpm", { rpm: 3 });
    const remaining: unknown[] = [];
    for (let index = 0; index < 3; index++) {
      const response = await fx.chat(key.secret);
      expect(response.status).toBe(200);
      remaining.push(response.headers["x-ratelimit-remaining-requests"]);
      expect(response.headers["x-ratelimit-limit-requests"]).toBe("3");
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const limited = await fx.chat(key.secret);
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("SWY_ERR_RATE_LIMITED");
    expect(limited.json.error.message).toContain("allows 3 requests per minute");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it("limits a project's tokens per minute across its keys", async () => {
    const project = await fx.admin("POST", "/admin/projects", { name: "tpm-project", tpm: 40 });
    const one = await fx.admin("POST", "/admin/keys", { project_id: project.json.id });
    const two = await fx.admin("POST", "/admin/keys", { project_id: project.json.id });
    const statuses: number[] = [];
    for (let index = 0; index < 6; index++) statuses.push((await fx.chat((index % 2 ? one : two).json.key, { max_tokens: 10 })).status);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses).toContain(429);
  });

  it("keeps 200 concurrent requests against a nearly spent budget within the budget", async () => {
    const outcome = await concurrentAgainstBudget([fx], "concurrent-one");
    expect(outcome.budgetRefusals).toBeGreaterThan(150);
    expect(outcome.successes).toBeGreaterThanOrEqual(1);
    expect(outcome.otherStatuses).toEqual([]);
    // Reservations cover each request's worst case here, so nothing in flight can push spend over the budget.
    expect(outcome.spentUsd).toBeLessThanOrEqual(outcome.budgetUsd + 1e-12);
  });
});

describe("budgets when reservations underestimate", () => {
  let fx: ControlFixture;

  beforeAll(async () => {
    // One output token assumed per request without max_tokens: each reservation is below the real cost.
    fx = await startControlFixture({ control: { default_output_estimate: 1 } });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("overspends by at most what the admitted requests cost beyond their reservations", async () => {
    const outcome = await concurrentAgainstBudget([fx], "underestimated", {});
    expect(outcome.otherStatuses).toEqual([]);
    expect(outcome.budgetRefusals).toBeGreaterThan(150);
    // The prompt estimate is 8 tokens and the output estimate 1: $30e-6 reserved against $52.5e-6 spent.
    const reserved = (8 * 2.5 + 1 * 10) / 1e6;
    const bound = outcome.budgetUsd + outcome.successes * (outcome.perCall - reserved);
    expect(outcome.spentUsd).toBeLessThanOrEqual(bound + 1e-12);
    expect(outcome.successes).toBeLessThan(10);
  });
});
