import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { BoundCounter, BoundHistogram, SeriesEpoch } from "./bound-metrics.js";
import { circuitStateSnapshot, queueDepthSnapshot } from "./hooks.js";
import { RequestSeries } from "./request-series.js";

/** Latency buckets in seconds: sub-millisecond overhead up to multi-minute generations. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly httpRequests: BoundCounter<"method" | "route" | "status">;
  readonly httpDuration: BoundHistogram<"method" | "route">;
  readonly chatRequests: BoundCounter<"model" | "provider" | "stream" | "outcome">;
  readonly chatDuration: BoundHistogram<"model" | "provider" | "stream">;
  readonly timeToFirstToken: BoundHistogram<"model" | "provider">;
  readonly tokens: BoundCounter<"model" | "provider" | "type">;
  readonly cost: BoundCounter<"model" | "provider">;
  readonly upstreamErrors: Counter<"provider" | "status" | "code">;
  readonly cacheLookups: Counter<"result">;
  /** The series above that every request updates, bound once per label set. */
  readonly requestSeries: RequestSeries;
}

/** One registry per app, so several apps in one process (tests) do not collide. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "switchyard_" });
  const registers = [registry];
  // The metrics every request updates are bound per label set (src/observability/bound-metrics.ts).
  const epoch = new SeriesEpoch();
  const metrics: Omit<GatewayMetrics, "requestSeries"> = {
    registry,
    httpRequests: new BoundCounter(
      {
        name: "switchyard_http_requests_total",
        help: "HTTP requests by method, route template and status.",
        labelNames: ["method", "route", "status"],
        registers,
      },
      epoch,
    ),
    httpDuration: new BoundHistogram(
      {
        name: "switchyard_http_request_duration_seconds",
        help: "HTTP request duration, until the last byte of the response.",
        labelNames: ["method", "route"],
        buckets: LATENCY_BUCKETS,
        registers,
      },
      epoch,
    ),
    chatRequests: new BoundCounter(
      {
        name: "switchyard_chat_requests_total",
        help: "Chat requests by public model, answering provider, streaming and outcome (ok or an error code).",
        labelNames: ["model", "provider", "stream", "outcome"],
        registers,
      },
      epoch,
    ),
    chatDuration: new BoundHistogram(
      {
        name: "switchyard_chat_duration_seconds",
        help: "Total chat request latency, all attempts included.",
        labelNames: ["model", "provider", "stream"],
        buckets: LATENCY_BUCKETS,
        registers,
      },
      epoch,
    ),
    timeToFirstToken: new BoundHistogram(
      {
        name: "switchyard_chat_time_to_first_token_seconds",
        help: "Time from request start to the first content part.",
        labelNames: ["model", "provider"],
        buckets: LATENCY_BUCKETS,
        registers,
      },
      epoch,
    ),
    tokens: new BoundCounter(
      {
        name: "switchyard_tokens_total",
        help: "Tokens by model, provider and type (input, output, cached_input, reasoning).",
        labelNames: ["model", "provider", "type"],
        registers,
      },
      epoch,
    ),
    cost: new BoundCounter(
      {
        name: "switchyard_cost_usd_total",
        help: "Upstream cost in USD, where metering priced the request.",
        labelNames: ["model", "provider"],
        registers,
      },
      epoch,
    ),
    upstreamErrors: new Counter({
      name: "switchyard_upstream_errors_total",
      help: "Failed upstream attempts by provider, upstream HTTP status (none when unreachable) and error code.",
      labelNames: ["provider", "status", "code"],
      registers,
    }),
    cacheLookups: new Counter({
      name: "switchyard_cache_lookups_total",
      help: "Response cache lookups by result (hit, semantic_hit, miss, bypass).",
      labelNames: ["result"],
      registers,
    }),
  };
  new Gauge({
    name: "switchyard_circuit_state",
    help: "Circuit breaker state per provider: 0 closed, 1 half-open, 2 open.",
    labelNames: ["provider"],
    registers,
    collect() {
      this.reset();
      for (const [provider, value] of circuitStateSnapshot()) this.set({ provider }, value);
    },
  });
  new Gauge({
    name: "switchyard_local_queue_depth",
    help: "Requests waiting for a local model.",
    labelNames: ["model"],
    registers,
    collect() {
      this.reset();
      for (const [model, depth] of queueDepthSnapshot()) this.set({ model }, depth);
    },
  });
  return { ...metrics, requestSeries: new RequestSeries(metrics, epoch) };
}
