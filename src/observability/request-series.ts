import type { CounterSeries, HistogramSeries, SeriesEpoch } from "./bound-metrics.js";
import type { GatewayMetrics } from "./metrics.js";

/** The series one HTTP request updates. */
export interface HttpSeries {
  readonly requests: CounterSeries;
  readonly duration: HistogramSeries;
}

/** The series one chat request updates, for one model, provider, streaming flag and outcome. */
export interface ChatSeries {
  readonly requests: CounterSeries;
  readonly duration: HistogramSeries;
  readonly firstToken: HistogramSeries;
  readonly inputTokens: CounterSeries;
  readonly outputTokens: CounterSeries;
  readonly cachedInputTokens: CounterSeries;
  readonly reasoningTokens: CounterSeries;
  readonly cost: CounterSeries;
}

/**
 * The request path's metric series, bound once per label set and found again by plain map lookups
 * on the label values (no label object, no hashing), so a request costs a few additions. There is
 * one entry per label set the metrics hold, so this grows exactly as they do; a reset or removal
 * of any of them empties it (the series are bound again as requests come).
 *
 * Each label object is built in the order the request path has always passed it: prom-client
 * writes labels in their object's order, and the `/metrics` text must not change.
 */
export class RequestSeries {
  /** route -> method -> status. */
  private readonly http = new Map<string, Map<string, Map<number, HttpSeries>>>();
  /** model -> provider -> outcome -> [not streamed, streamed]. */
  private readonly chat = new Map<string, Map<string, Map<string, Array<ChatSeries | undefined>>>>();
  private boundAt: number;

  constructor(
    private readonly metrics: Omit<GatewayMetrics, "requestSeries">,
    private readonly epoch: SeriesEpoch,
  ) {
    this.boundAt = epoch.value;
  }

  httpSeries(method: string, route: string, status: number): HttpSeries {
    this.checkEpoch();
    const byMethod = inner(this.http, route);
    const byStatus = inner(byMethod, method);
    let series = byStatus.get(status);
    if (!series) {
      series = {
        requests: this.metrics.httpRequests.series({ method, route, status }),
        duration: this.metrics.httpDuration.series({ method, route }),
      };
      byStatus.set(status, series);
    }
    return series;
  }

  chatSeries(model: string, provider: string, stream: boolean, outcome: string): ChatSeries {
    this.checkEpoch();
    const byOutcome = inner(inner(this.chat, model), provider);
    let pair = byOutcome.get(outcome);
    if (!pair) {
      pair = [undefined, undefined];
      byOutcome.set(outcome, pair);
    }
    const index = stream ? 1 : 0;
    let series = pair[index];
    if (!series) {
      const { metrics } = this;
      const streamLabel = stream ? "true" : "false";
      series = {
        requests: metrics.chatRequests.series({ model, provider, stream: streamLabel, outcome }),
        duration: metrics.chatDuration.series({ model, provider, stream: streamLabel }),
        firstToken: metrics.timeToFirstToken.series({ model, provider }),
        inputTokens: metrics.tokens.series({ model, provider, type: "input" }),
        outputTokens: metrics.tokens.series({ model, provider, type: "output" }),
        cachedInputTokens: metrics.tokens.series({ model, provider, type: "cached_input" }),
        reasoningTokens: metrics.tokens.series({ model, provider, type: "reasoning" }),
        cost: metrics.cost.series({ model, provider }),
      };
      pair[index] = series;
    }
    return series;
  }

  private checkEpoch(): void {
    if (this.boundAt === this.epoch.value) return;
    this.http.clear();
    this.chat.clear();
    this.boundAt = this.epoch.value;
  }
}

function inner<K, InnerKey, V>(map: Map<K, Map<InnerKey, V>>, key: K): Map<InnerKey, V> {
  let found = map.get(key);
  if (!found) {
    found = new Map();
    map.set(key, found);
  }
  return found;
}
