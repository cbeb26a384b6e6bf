import type { ServerResponse } from "node:http";
import { pino } from "pino";
import { Counter, Histogram, Registry } from "prom-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BoundCounter, BoundHistogram, SeriesEpoch } from "../../src/observability/bound-metrics.js";
import { createMetrics, type GatewayMetrics } from "../../src/observability/metrics.js";
import { requestFacts } from "../../src/observability/request-facts.js";
import { observeRequest, type ObservedRequest } from "../../src/observability/request-log.js";
import type { GatewayContext } from "../../src/gateway/context.js";
import { cacheHitKey } from "../../src/cache/cache-hit.js";
import { seededRandom as random } from "../../src/evaluations/statistics.js";

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Label values that the text format escapes (backslash, quote, newline), non-ASCII, and ones prom-client's key could confuse. */
const MODELS = ["gpt-4o", 'say "hi"', "back\\slash", "new\nline", "modèle ✓", "a,provider:b", "", "unresolved"];
const PROVIDERS = ["up", "down", "cache", "none"];

/** The same four metrics made by prom-client and by the bound classes, each in its own registry. */
function twins() {
  const make = (bound: boolean) => {
    const registry = new Registry();
    const registers = [registry];
    const epoch = new SeriesEpoch();
    const counter = (name: string, labelNames: string[]) => (bound ? new BoundCounter({ name, help: `${name} help`, labelNames, registers }, epoch) : new Counter({ name, help: `${name} help`, labelNames, registers }));
    const histogram = (name: string, labelNames: string[], buckets?: number[]) =>
      bound ? new BoundHistogram({ name, help: `${name} help \\ "x"`, labelNames, ...(buckets && { buckets }), registers }, epoch) : new Histogram({ name, help: `${name} help \\ "x"`, labelNames, ...(buckets && { buckets }), registers });
    return {
      registry,
      requests: counter("requests_total", ["model", "provider", "stream", "outcome"]),
      cost: counter("cost_total", ["model", "provider"]),
      plain: counter("plain_total", []),
      duration: histogram("duration_seconds", ["model", "provider", "stream"], BUCKETS),
      defaults: histogram("default_buckets_seconds", ["model"]),
      single: histogram("single_seconds", []),
    };
  };
  return { reference: make(false), bound: make(true) };
}

type Twin = ReturnType<typeof twins>["bound"];

describe("bound counters and histograms", () => {
  it("write the /metrics text prom-client writes for the same observations, bound or by label object", async () => {
    const { reference, bound } = twins();
    const draw = random(17);
    const pick = <T>(list: readonly T[]) => list[Math.floor(draw() * list.length)]!;
    const boundRequests = bound.requests as BoundCounter<"model" | "provider" | "stream" | "outcome">;
    const boundCost = bound.cost as BoundCounter<"model" | "provider">;
    const boundDuration = bound.duration as BoundHistogram<"model" | "provider" | "stream">;
    // Bound early, observed late: a series is listed from its first observation, not its binding.
    const early = boundDuration.series({ model: "late", provider: "up", stream: "false" });
    const apply = (twin: Twin, useSeries: boolean, model: string, provider: string, stream: string, outcome: string, seconds: number, cost: number) => {
      if (useSeries && twin === bound) {
        boundRequests.series({ model, provider, stream, outcome }).inc();
        boundDuration.series({ model, provider, stream }).observe(seconds);
        if (cost > 0) boundCost.series({ model, provider }).inc(cost);
      } else {
        twin.requests.inc({ model, provider, stream, outcome });
        twin.duration.observe({ model, provider, stream }, seconds);
        if (cost > 0) twin.cost.inc({ model, provider }, cost);
      }
      twin.defaults.observe({ model }, seconds);
      twin.single.observe(seconds);
      twin.plain.inc(2);
    };
    const round = (count: number) => {
      for (let index = 0; index < count; index++) {
        const model = pick(MODELS);
        const provider = pick(PROVIDERS);
        const stream = draw() < 0.5 ? "true" : "false";
        const outcome = pick(["ok", "ok", "ok", "aborted", "502", "SWY_ERR_STREAM_INTERRUPTED"]);
        // Below, on and above the bounds, and past the last one.
        const seconds = draw() < 0.1 ? pick([0, 0.001, 0.0025, 300, 301, 1e6]) : draw() ** 4 * 20;
        const cost = draw() < 0.3 ? 0 : draw() / 1000;
        const useSeries = draw() < 0.7;
        apply(reference, useSeries, model, provider, stream, outcome, seconds, cost);
        apply(bound, useSeries, model, provider, stream, outcome, seconds, cost);
      }
    };
    round(2000);
    reference.duration.observe({ model: "late", provider: "up", stream: "false" }, 0.2);
    early.observe(0.2);
    expect(await bound.registry.metrics()).toBe(await reference.registry.metrics());
    expect(await bound.registry.getMetricsAsJSON()).toEqual(await reference.registry.getMetricsAsJSON());

    // After a reset, series come back in the order they are observed again; bound ones still count.
    reference.registry.resetMetrics();
    bound.registry.resetMetrics();
    expect(await bound.registry.metrics()).toBe(await reference.registry.metrics());
    reference.duration.observe({ model: "late", provider: "up", stream: "false" }, 7);
    early.observe(7);
    round(500);
    expect(await bound.registry.metrics()).toBe(await reference.registry.metrics());

    // remove, zero and labels(...) children.
    for (const twin of [reference, bound]) {
      twin.requests.remove({ model: "gpt-4o", provider: "up", stream: "true", outcome: "ok" });
      twin.requests.remove("gpt-4o", "down", "false", "ok");
      twin.duration.remove("late", "up", "false");
      twin.duration.zero({ model: "zeroed", provider: "up", stream: "true" });
      twin.duration.zero({ model: MODELS[1]!, provider: "up", stream: "true" });
      twin.duration.labels("child", "up", "true").observe(0.3);
      twin.duration.labels({ model: "child", provider: "down", stream: "true" }).observe(3);
      twin.requests.labels("child", "up", "true", "ok").inc(4);
      twin.single.startTimer()();
      twin.single.reset();
    }
    early.observe(1);
    reference.duration.observe({ model: "late", provider: "up", stream: "false" }, 1);
    round(200);
    // The timer's duration differs between the twins; compare all but that metric's sum.
    const withoutTimer = (text: string) => text.replace(/^single_seconds.*$/gm, "");
    expect(withoutTimer(await bound.registry.metrics())).toBe(withoutTimer(await reference.registry.metrics()));
  });

  it("refuse what prom-client refuses, with its messages", () => {
    const { reference, bound } = twins();
    const boundCost = bound.cost as BoundCounter<"model" | "provider">;
    const boundDuration = bound.duration as BoundHistogram<"model" | "provider" | "stream">;
    for (const twin of [reference, bound]) {
      expect(() => twin.cost.inc({ model: "m", provider: "p" }, -1)).toThrow("It is not possible to decrease a counter");
      expect(() => twin.cost.inc({ model: "m", provider: "p" }, Number.POSITIVE_INFINITY)).toThrow("Value is not a valid number: Infinity");
      expect(() => twin.duration.observe({ model: "m" }, Number.NaN)).toThrow("Value is not a valid number: NaN");
      expect(() => twin.cost.inc({ model: "m", colour: "red" } as never, 1)).toThrow('Added label "colour" is not included in initial labelset');
      expect(() => twin.requests.labels("only-one")).toThrow("Invalid number of arguments (1)");
    }
    expect(() => boundCost.series({ model: "m", provider: "p" }).inc(-1)).toThrow("It is not possible to decrease a counter");
    expect(() => boundDuration.series({ model: "m", provider: "p", stream: "x" }).observe(Number.NaN)).toThrow("Value is not a valid number: NaN");
    expect(() => new BoundCounter({ name: "x_total", help: "x", enableExemplars: true, registers: [] })).toThrow("exemplars");
  });
});

/** A chat context as the request path leaves it once the response has closed. */
function chatContext(draw: () => number): GatewayContext {
  const routed = draw() < 0.85;
  const stream = draw() < 0.5;
  const provider = ["up", "down", 'q"uote'][Math.floor(draw() * 3)]!;
  const context: GatewayContext = {
    requestId: "req_test",
    api: "openai",
    operation: "chat",
    request: { model: routed ? ["chat", "flaky", "m\\odel\n"][Math.floor(draw() * 3)]! : "caller-chosen-name", messages: [] } as unknown as GatewayContext["request"],
    stream,
    signal: new AbortController().signal,
    startedAt: 0,
    principal: { keyId: "master" },
    responseHeaders: {},
    attempts: [],
    state: new Map(),
  };
  if (!routed) return context;
  context.route = { provider, providerType: "openai", model: "upstream" };
  if (draw() < 0.2) context.attempts.push({ provider: "down", model: "x", error: "SWY_ERR_UPSTREAM_UNAVAILABLE", durationMs: 1.5 });
  context.attempts.push({ provider, model: "upstream", durationMs: 2 });
  const facts = requestFacts(context);
  if (draw() < 0.9) facts.usage = { inputTokens: Math.floor(draw() * 100), outputTokens: Math.floor(draw() * 50), ...(draw() < 0.3 && { cachedInputTokens: 7 }), ...(draw() < 0.2 && { reasoningTokens: 3 }) };
  if (stream) facts.firstTokenAt = draw() * 2000;
  if (draw() < 0.5) facts.costUsd = draw() / 100;
  if (draw() < 0.05) facts.streamError = "SWY_ERR_STREAM_INTERRUPTED";
  if (draw() < 0.1) context.state.set(cacheHitKey, true);
  return context;
}

/**
 * What the request path did before its series were bound: prom-client calls with label objects.
 * Kept here as the reference the bound path must match byte for byte.
 */
function observeWithLabelObjects(metrics: ReturnType<typeof plainTwin>, request: ObservedRequest, status: number, aborted: boolean, seconds: number): void {
  metrics.httpRequests.inc({ method: request.method, route: request.route, status });
  metrics.httpDuration.observe({ method: request.method, route: request.route }, seconds);
  const context = request.context;
  if (!context) return;
  for (const attempt of context.attempts) {
    if (attempt.error) metrics.upstreamErrors.inc({ provider: attempt.provider, status: attempt.status ?? "none", code: attempt.error });
  }
  const facts = requestFacts(context);
  const model = context.route || context.attempts.length > 0 ? context.request.model : "unresolved";
  const cacheHit = context.state.get(cacheHitKey) === true;
  const provider = cacheHit ? "cache" : (context.route?.provider ?? "none");
  const stream = context.stream ? "true" : "false";
  const outcome = facts.streamError ?? (aborted ? "aborted" : status < 400 ? "ok" : String(status));
  metrics.chatRequests.inc({ model, provider, stream, outcome });
  metrics.chatDuration.observe({ model, provider, stream }, seconds);
  if (facts.firstTokenAt !== undefined) metrics.timeToFirstToken.observe({ model, provider }, (facts.firstTokenAt - context.startedAt) / 1000);
  const usage = facts.usage;
  if (usage && !cacheHit) {
    metrics.tokens.inc({ model, provider, type: "input" }, usage.inputTokens);
    metrics.tokens.inc({ model, provider, type: "output" }, usage.outputTokens);
    if (usage.cachedInputTokens) metrics.tokens.inc({ model, provider, type: "cached_input" }, usage.cachedInputTokens);
    if (usage.reasoningTokens) metrics.tokens.inc({ model, provider, type: "reasoning" }, usage.reasoningTokens);
  }
  if (facts.costUsd !== undefined && facts.costUsd > 0) metrics.cost.inc({ model, provider }, facts.costUsd);
}

/** The gateway's request metrics as plain prom-client metrics, with the same names, help, labels and buckets. */
function plainTwin(gateway: GatewayMetrics) {
  const registry = new Registry();
  const fields = (metric: object) => metric as { name: string; help: string; labelNames: string[]; upperBounds?: number[] };
  const counter = (metric: object) => new Counter({ name: fields(metric).name, help: fields(metric).help, labelNames: fields(metric).labelNames, registers: [registry] });
  const histogram = (metric: object) => new Histogram({ name: fields(metric).name, help: fields(metric).help, labelNames: fields(metric).labelNames, buckets: [...fields(metric).upperBounds!], registers: [registry] });
  return {
    registry,
    httpRequests: counter(gateway.httpRequests),
    httpDuration: histogram(gateway.httpDuration),
    chatRequests: counter(gateway.chatRequests),
    chatDuration: histogram(gateway.chatDuration),
    timeToFirstToken: histogram(gateway.timeToFirstToken),
    tokens: counter(gateway.tokens),
    cost: counter(gateway.cost),
    upstreamErrors: counter(gateway.upstreamErrors),
    cacheLookups: counter(gateway.cacheLookups),
  };
}

describe("the request path's metrics", () => {
  const NOW = 50_000.25;
  afterEach(() => vi.restoreAllMocks());

  it("are the ones label-object calls give, caller-chosen model names kept out, across a reset", async () => {
    const gateway = createMetrics({ defaultMetrics: false });
    // The hook gauges read process-wide state; compare the request metrics only.
    for (const name of ["switchyard_circuit_state", "switchyard_local_queue_depth"]) gateway.registry.removeSingleMetric(name);
    const reference = plainTwin(gateway);
    const logger = pino({ level: "silent" });
    vi.spyOn(performance, "now").mockReturnValue(NOW);
    const draw = random(7);
    const run = (count: number) => {
      for (let index = 0; index < count; index++) {
        const context = draw() < 0.9 ? chatContext(draw) : undefined;
        const method = context ? "POST" : draw() < 0.5 ? "GET" : "DELETE";
        const route = context ? "/v1/chat/completions" : draw() < 0.5 ? "/admin/keys/:id" : "unmatched";
        const status = [200, 200, 200, 404, 429, 502][Math.floor(draw() * 6)]!;
        const finished = draw() < 0.95;
        const request: ObservedRequest = { id: "req_test", method, url: `${route}?x=1`, route, context };
        const response = { writableEnded: finished, statusCode: status } as ServerResponse;
        // A fixed clock, so both sides observe the same duration.
        const startedAt = NOW - draw() * 3000;
        observeRequest(request, response, startedAt, logger, gateway);
        observeWithLabelObjects(reference, request, status, !finished, (NOW - startedAt) / 1000);
      }
    };
    run(1500);
    const text = await gateway.registry.metrics();
    expect(text).toBe(await reference.registry.metrics());
    expect(text).toContain('model="unresolved",provider="none"');
    expect(text).not.toContain("caller-chosen-name");
    expect(text).toContain('model="m\\\\odel\\n"');
    gateway.registry.resetMetrics();
    reference.registry.resetMetrics();
    run(300);
    expect(await gateway.registry.metrics()).toBe(await reference.registry.metrics());
  });
});
