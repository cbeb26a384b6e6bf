import autocannon from "autocannon";
import { setMaxListeners } from "node:events";
import { Agent, request } from "undici";

export interface Target {
  name: string;
  /** Full chat-completions URL. */
  url: string;
  headers: Record<string, string>;
}

export interface ThroughputResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  requests: number;
}

/** Closed-loop load with autocannon: as many requests as `connections` keep in flight. */
export async function throughput(target: Target, body: string, options: { connections: number; durationS: number }): Promise<ThroughputResult> {
  const result = await autocannon({
    url: target.url,
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body,
    connections: options.connections,
    duration: options.durationS,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

export interface LatencySample {
  count: number;
  errors: number;
  /** Requests not sent because `maxInFlight` were already waiting (the target could not keep up). */
  dropped: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  achievedRate: number;
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

function summarize(latencies: number[], errors: number, seconds: number, dropped = 0): LatencySample {
  const sorted = latencies.sort((a, b) => a - b);
  return {
    count: sorted.length,
    errors,
    dropped,
    p50Ms: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    p99Ms: percentile(sorted, 0.99),
    achievedRate: sorted.length / seconds,
  };
}

const agent = new Agent({ connections: 2048, keepAliveTimeout: 30_000, bodyTimeout: 0, headersTimeout: 0, pipelining: 1 });

/**
 * Open-loop load at a fixed rate (requests are sent on schedule whether or not earlier ones have
 * finished), timing each full response with a high-resolution clock: sub-millisecond precision,
 * which autocannon's millisecond histogram lacks.
 */
export async function fixedRate(target: Target, body: string, options: { rate: number; durationS: number; maxInFlight?: number }): Promise<LatencySample> {
  const latencies: number[] = [];
  const maxInFlight = options.maxInFlight ?? 256;
  let errors = 0;
  let dropped = 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const total = Math.round(options.rate * options.durationS);
  const headers = { "content-type": "application/json", ...target.headers };
  const started = performance.now();
  const one = async () => {
    const begin = performance.now();
    try {
      const response = await request(target.url, { method: "POST", headers, body, dispatcher: agent });
      await response.body.text();
      if (response.statusCode !== 200) errors++;
      else latencies.push(performance.now() - begin);
    } catch {
      errors++;
    }
  };
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
    for (; sent < due; sent++) {
      // A target that cannot keep up would otherwise build an unbounded backlog (and a run without end).
      if (inFlight.size >= maxInFlight) {
        dropped++;
        continue;
      }
      const promise = one().finally(() => inFlight.delete(promise));
      inFlight.add(promise);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  return summarize(latencies, errors, (performance.now() - started) / 1000, dropped);
}

/** Time to the first body byte of streamed responses, one request at a time (no queueing). */
export async function timeToFirstByte(target: Target, body: string, count: number): Promise<LatencySample> {
  const latencies: number[] = [];
  let errors = 0;
  const headers = { "content-type": "application/json", ...target.headers };
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const begin = performance.now();
    try {
      const response = await request(target.url, { method: "POST", headers, body, dispatcher: agent });
      let first = true;
      for await (const _chunk of response.body) {
        if (first) {
          latencies.push(performance.now() - begin);
          first = false;
        }
      }
      if (response.statusCode !== 200) errors++;
    } catch {
      errors++;
    }
  }
  return summarize(latencies, errors, (performance.now() - started) / 1000);
}

/**
 * Opens `count` streams that the upstream holds open, waits until each has its first bytes,
 * calls `measure` while all are open, then aborts them all.
 */
export async function holdOpenStreams<T>(target: Target, body: string, count: number, measure: (open: number) => Promise<T> | T): Promise<{ opened: number; value: T }> {
  const controller = new AbortController();
  setMaxListeners(count + 10, controller.signal);
  const headers = { "content-type": "application/json", ...target.headers };
  let opened = 0;
  const pending: Array<Promise<void>> = [];
  for (let index = 0; index < count; index++) {
    pending.push(
      (async () => {
        const response = await request(target.url, { method: "POST", headers, body, dispatcher: agent, signal: controller.signal });
        const iterator = response.body[Symbol.asyncIterator]();
        await iterator.next();
        opened++;
        response.body.on("error", () => undefined);
      })().catch(() => undefined),
    );
  }
  const deadline = Date.now() + 60_000;
  while (opened < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  // Let the server settle (garbage from connection setup) before sampling.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const value = await measure(opened);
  controller.abort();
  await Promise.allSettled(pending);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { opened, value };
}

export async function closeLoad(): Promise<void> {
  await agent.close();
}
