import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { ChatMiddleware } from "../../src/gateway/pipeline.js";
import { getState } from "../../src/gateway/state.js";
import { createLogger } from "../../src/observability/logger.js";
import { routeDecisionKey, type RouteDecision } from "../../src/routing/auto/route-decision.js";
import { loadRouterFile, shareForQuality } from "../../src/routing/auto/router-file.js";
import { trainRouter } from "../../src/routing/auto/train.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { syntheticRows } from "./synthetic-data.js";

let strong: OpenaiEmulator;
let weak: OpenaiEmulator;
let gateway: RunningGateway;
let directory: string;
let routerPath: string;
const decisions: (RouteDecision | undefined)[] = [];
let remainingFraction: number | undefined;

/** Stands in for the control plane: sets the key's budget standing, and records the decision as usage would. */
const budgetAndUsage: ChatMiddleware = {
  name: "test-budget",
  async handle(context, next) {
    if (remainingFraction !== undefined) context.principal = { ...context.principal, budget: { remainingFraction } };
    const result = await next(context);
    decisions.push(getState(context, routeDecisionKey));
    return result;
  },
};

const hard = "Gus has 734 marbles, sells 35% of them, then buys 62 more and then gives away a third. How many marbles are left?";
const easy = "Gus has 4 marbles. How many marbles does Gus have?";

function config(auto: Record<string, unknown>) {
  return {
    providers: {
      big: { type: "openai", base_url: strong.baseURL, api_key: "none" },
      small: { type: "openai", base_url: weak.baseURL, api_key: "none" },
    },
    models: {
      smart: { type: "auto", auto: { router: routerPath, strong: "big/gpt-4o", weak: "cheap", ...auto } },
      cheap: { routes: [{ provider: "small", model: "gpt-4o-mini" }] },
      tiered: { type: "auto", auto: { router: routerPath, strong: "big/gpt-4o", weak: "cheap", middle: [{ model: "small/gpt-4o-mid", share: 0.55 }], target_strong: 0.4 } },
    },
  };
}

beforeAll(async () => {
  [strong, weak] = await Promise.all([startOpenaiEmulator(), startOpenaiEmulator()]);
  directory = mkdtempSync(join(tmpdir(), "swy-router-"));
  routerPath = join(directory, "ROUTER.json");
  const { file } = trainRouter(syntheticRows(240, 21), { strong: "strong", weak: "weak", targetStrong: 0.4, folds: 3 });
  writeFileSync(routerPath, JSON.stringify(file));
  gateway = await startGateway(config({ target_strong: 0.4 }), { middlewares: [budgetAndUsage] });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([strong?.close(), weak?.close()]);
  rmSync(directory, { recursive: true, force: true });
});

async function ask(text: string, stream = false, model = "smart") {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, stream, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: text }] }),
  });
}

describe("type: auto models", () => {
  it("send a hard prompt to the strong model and say so in headers and on the context", async () => {
    const response = await ask(hard);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-switchyard-route-decision")).toBe("strong");
    const score = Number(response.headers.get("x-switchyard-route-score"));
    expect(score).toBeGreaterThan(Number(response.headers.get("x-switchyard-route-threshold")));
    expect(response.headers.get("x-switchyard-provider")).toBe("big");
    expect(strong.requests.at(-1)!.body.model).toBe("gpt-4o");
    expect(decisions.at(-1)).toMatchObject({ autoModel: "smart", tier: "strong", model: "big/gpt-4o" });
    expect(decisions.at(-1)!.score).toBeCloseTo(score, 3);
  });

  it("send an easy prompt to the weak model, streaming too", async () => {
    const response = await ask(easy, true);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-switchyard-route-decision")).toBe("weak");
    expect(response.headers.get("x-switchyard-provider")).toBe("small");
    expect(await response.text()).toContain("data: [DONE]");
  });

  it("lean to the weak model when the key's budget is nearly spent", async () => {
    remainingFraction = 0.01;
    try {
      const response = await ask(hard);
      expect(response.headers.get("x-switchyard-route-decision")).toBe("weak");
    } finally {
      remainingFraction = undefined;
    }
  });

  it("fall back to the other tier when the chosen one fails", async () => {
    strong.faults.push({ kind: "status", status: 503 });
    const response = await ask(hard);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-switchyard-route-decision")).toBe("strong");
    expect(response.headers.get("x-switchyard-provider")).toBe("small");
  });

  it("send a prompt between the tiers' thresholds to a middle tier, falling back to the next weaker one", async () => {
    const response = await ask(easy, false, "tiered");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-switchyard-route-decision")).toBe("middle");
    expect(weak.requests.at(-1)!.body.model).toBe("gpt-4o-mid");
    expect(decisions.at(-1)).toMatchObject({ autoModel: "tiered", tier: "middle", model: "small/gpt-4o-mid" });
    expect((await ask(hard, false, "tiered")).headers.get("x-switchyard-route-decision")).toBe("strong");

    weak.faults.push({ kind: "status", status: 503 });
    const fallback = await ask(easy, false, "tiered");
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get("x-switchyard-route-decision")).toBe("middle");
    expect(weak.requests.at(-1)!.body.model).toBe("gpt-4o-mini");
  });

  it("are listed by GET /v1/models", async () => {
    const response = await fetch(`${gateway.url}/v1/models`);
    const body = (await response.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((model) => model.id)).toContain("smart");
  });
});

describe("auto model config", () => {
  const load = (models: Record<string, unknown>) =>
    createApp({ logger: createLogger("silent"), env: {}, config: { providers: { small: { type: "openai", base_url: "http://127.0.0.1:1/v1", api_key: "none" } }, models } });

  it("needs an auto block, and no routes", async () => {
    await expect(load({ smart: { type: "auto" } })).rejects.toThrow(/models\.smart\.auto/);
    await expect(load({ smart: { type: "auto", routes: [{ provider: "small", model: "m" }], auto: { router: routerPath, strong: "small/a", weak: "small/b" } } })).rejects.toThrow(/models\.smart\.routes/);
  });

  it("reports a missing router file and unknown tiers", async () => {
    await expect(load({ smart: { type: "auto", auto: { router: join(directory, "none.json"), strong: "small/a", weak: "small/b" } } })).rejects.toThrow(/models\.smart\.auto\.router/);
    await expect(load({ smart: { type: "auto", auto: { router: routerPath, strong: "nowhere", weak: "small/b" } } })).rejects.toThrow(/models\.smart\.auto\.strong: no model/);
  });

  it("checks middle tiers: known models, shares that fit, no fixed threshold", async () => {
    const auto = { router: routerPath, strong: "small/a", weak: "small/b" };
    await expect(load({ smart: { type: "auto", auto: { ...auto, middle: [{ model: "nowhere", share: 0.2 }] } } })).rejects.toThrow(/models\.smart\.auto\.middle\[0\]\.model: no model/);
    await expect(load({ smart: { type: "auto", auto: { ...auto, target_strong: 0.5, middle: [{ model: "small/c", share: 0.6 }] } } })).rejects.toThrow(/more than 1/);
    await expect(load({ smart: { type: "auto", auto: { ...auto, threshold: 0.5, middle: [{ model: "small/c", share: 0.2 }] } } })).rejects.toThrow(/fixed threshold/);
    await expect(load({ smart: { type: "auto", auto: { ...auto, middle: [{ model: "small/c", share: 0 }] } } })).rejects.toThrow(/share/);
  });

  it("maps target_quality to a share through the router file's quality curve", async () => {
    const auto = { router: routerPath, strong: "small/a", weak: "small/b" };
    const app = await load({ smart: { type: "auto", auto: { ...auto, target_quality: 0.8 } } });
    const entry = app.runtime.models.get("smart")?.auto;
    const file = loadRouterFile(routerPath).file;
    expect(entry?.targetStrong).toBeCloseTo(shareForQuality(file.qualityCurve!, 0.8), 9);
    expect(entry!.targetStrong).toBeGreaterThan(0);
    expect(entry!.targetStrong).toBeLessThan(1);
    await app.close();
    await expect(load({ smart: { type: "auto", auto: { ...auto, target_quality: 0.8, target_strong: 0.3 } } })).rejects.toThrow(/target_quality: give target_strong or target_quality, not both/);
    const withoutCurve = join(directory, "no-curve.json");
    writeFileSync(withoutCurve, JSON.stringify({ ...file, qualityCurve: undefined }));
    await expect(load({ smart: { type: "auto", auto: { ...auto, router: withoutCurve, target_quality: 0.8 } } })).rejects.toThrow(/no quality curve/);
  });

  it("rejects unknown strategy keys", async () => {
    await expect(load({ chat: { routes: [{ provider: "small", model: "m" }], strategy: { retry: { attempts: 2, tries: 3 } } } })).rejects.toThrow(/tries/);
    await expect(load({ chat: { routes: [{ provider: "small", model: "m" }], strategy: { mode: "round-robin" } } })).rejects.toThrow(/mode/);
  });
});
