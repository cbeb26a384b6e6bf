import type { StreamPart, Usage } from "../../core/types.js";
import { isCacheHit } from "../../cache/cache-hit.js";
import type { GatewayContext } from "../../gateway/context.js";
import { getState, stateOf, StateKey } from "../../gateway/state.js";
import type { ModelCard } from "../pricing/catalog.js";
import { costOf, type PriceBook } from "../pricing/price-book.js";
import { countTokens, estimateInputTokens } from "./token-estimate.js";

export interface Measured {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  estimated: boolean;
  costUsd: number;
  /** Milliseconds from request start to the first content part. */
  ttftMs?: number;
  /** Error reported inside the stream, if any. */
  streamError?: unknown;
}

const METER = new StateKey<StreamMeter>("control.stream-meter");

interface PricedLast {
  provider: string;
  providerType: string;
  model: string;
  publicModel: string;
  card: ModelCard | undefined;
}

/**
 * The last route each price book priced, with its card: a book's cards are fixed when it is made (the
 * catalog and the config's overrides), and most requests take the route the one before took, so the
 * card's override lookups (names joined per request) are skipped when the route is the same.
 */
const lastPriced = new WeakMap<PriceBook, PricedLast>();

function cardOf(prices: PriceBook, provider: string, providerType: string, model: string, publicModel: string): ModelCard | undefined {
  const last = lastPriced.get(prices);
  if (last && last.provider === provider && last.providerType === providerType && last.model === model && last.publicModel === publicModel) return last.card;
  const card = prices.card({ provider, providerType, model, publicModel });
  lastPriced.set(prices, { provider, providerType, model, publicModel, card });
  return card;
}

/**
 * Watches one response stream: provider usage, first-token time, output text (for counting when the
 * provider reports no usage). Shared by the limits and metering middleware so the stream is observed
 * and priced once.
 */
export class StreamMeter {
  private usage: Usage | undefined;
  private outputText: string[] = [];
  private firstContentAt: number | undefined;
  private streamError: unknown;
  private observing = false;
  private result: Promise<Measured> | undefined;

  constructor(
    private readonly context: GatewayContext,
    private readonly prices: PriceBook,
  ) {}

  static of(context: GatewayContext, prices: PriceBook): StreamMeter {
    return stateOf(context, METER, () => new StreamMeter(context, prices));
  }

  /** The request's meter, if metering has made one (request logs read the same figures as usage rows). */
  static peek(context: GatewayContext): StreamMeter | undefined {
    return getState(context, METER);
  }

  /** Wraps the stream once; later calls return the stream unchanged. */
  observe(stream: AsyncIterable<StreamPart>): AsyncIterable<StreamPart> {
    if (this.observing) return stream;
    this.observing = true;
    return this.watch(stream);
  }

  private async *watch(stream: AsyncIterable<StreamPart>): AsyncGenerator<StreamPart> {
    for await (const part of stream) {
      this.see(part);
      yield part;
    }
  }

  /** Takes one part in; the fast path of the OpenAI edge pushes parts here instead of wrapping a stream. */
  see(part: StreamPart): void {
    switch (part.type) {
      case "text-delta":
      case "reasoning-delta":
        this.firstContentAt ??= performance.now();
        this.outputText.push(part.text);
        break;
      case "tool-call-start":
        this.firstContentAt ??= performance.now();
        this.outputText.push(part.name);
        break;
      case "tool-call-delta":
        this.outputText.push(part.argumentsDelta);
        break;
      case "usage":
        this.usage = part.usage;
        break;
      case "error":
        this.streamError = part.error;
        break;
      case "response-metadata":
      case "tool-call-end":
      case "finish":
      case "warning":
        // Nothing to count.
        break;
    }
  }

  /** Usage and cost once the stream has ended (or failed); computed once. */
  measure(): Promise<Measured> {
    if (this.result === undefined) {
      const now = this.measuredNow();
      this.result = now ? Promise.resolve(now) : this.compute();
    }
    return this.result;
  }

  /**
   * The same figures without waiting, when they need no token count (the provider reported its usage):
   * the hot path's settlement and usage row then take no turn of the event loop. Undefined when
   * counting is needed (use `measure`). Like `measure`, computed once.
   */
  measuredNow(): Measured | undefined {
    if (this.value !== undefined || this.result !== undefined) return this.value;
    const usage = this.usage;
    if (!usage || usage.estimated) return undefined;
    this.value = this.figures(usage.inputTokens, usage.outputTokens, false);
    return this.value;
  }

  private value: Measured | undefined;

  private async compute(): Promise<Measured> {
    const context = this.context;
    let inputTokens: number;
    let outputTokens: number;
    let estimated = false;
    if (this.usage && !this.usage.estimated) {
      inputTokens = this.usage.inputTokens;
      outputTokens = this.usage.outputTokens;
    } else {
      estimated = true;
      inputTokens = this.usage?.inputTokens ?? (context.route ? await estimateInputTokens(context.request) : 0);
      // An embedding has no output text to count.
      outputTokens = this.usage?.outputTokens ?? (context.operation === "embeddings" ? 0 : await countTokens(this.outputText.join("")));
    }
    this.value = this.figures(inputTokens, outputTokens, estimated);
    return this.value;
  }

  private figures(inputTokens: number, outputTokens: number, estimated: boolean): Measured {
    const context = this.context;
    const cachedInputTokens = this.usage?.cachedInputTokens ?? 0;
    const route = context.route;
    // What `prices.cost` answers for the route, its card looked up once per run of requests on the same route.
    const card = isCacheHit(context) || !route ? undefined : cardOf(this.prices, route.provider, route.providerType, route.model, context.request.model);
    const costUsd = card === undefined ? 0 : costOf(card, { inputTokens, outputTokens, cachedInputTokens });
    this.outputText = [];
    return {
      inputTokens,
      outputTokens,
      cachedInputTokens,
      estimated,
      costUsd,
      ttftMs: this.firstContentAt === undefined ? undefined : Math.round(this.firstContentAt - context.startedAt),
      streamError: this.streamError,
    };
  }
}
