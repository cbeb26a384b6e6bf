import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerResponse } from "node:http";
import { createParser } from "eventsource-parser";
import type { StreamPart } from "../../src/core/types.js";
import type { GatewayContext } from "../../src/gateway/context.js";
import type { PriceBook } from "../../src/control/pricing/price-book.js";

/**
 * The CPU of a streamed answer's events on the OpenAI fast path, from the upstream's SSE bytes to
 * the client's SSE frames: UTF-8 decoding, the SSE parser, the event mapper, the per-part usage and
 * log bookkeeping, the chunk encoder and the SSE sink (its writes go to a response that keeps
 * nothing, so Node's own socket work is left out). The streams are the benchmark upstream's
 * (bench/mock-upstream.ts: a role chunk, N content chunks, a finish chunk, a usage chunk, [DONE], in
 * two writes). With `--baseline=DIR` (a checkout of another commit, `src/` and a `node_modules`
 * link) both trees' code run in the same process, interleaved, and each pair of rounds gives a
 * ratio; the median ratio is what to read (the machine's speed drifts).
 *   npx tsx bench/api/stream-events.ts [--baseline=DIR] [--pairs=30] [--streams=2000] [--chunks=10]
 */
const { values } = parseArgs({
  options: {
    baseline: { type: "string" },
    pairs: { type: "string", default: "30" },
    streams: { type: "string", default: "2000" },
    chunks: { type: "string", default: "10" },
  },
  strict: true,
});

interface Modules {
  OpenaiEventMapper: new (provider: string) => { done: boolean; event(data: string): StreamPart[]; end(): StreamPart[] };
  Utf8Chunks: new () => { decode(chunk: Uint8Array): string; end(): string };
  StreamMeter: new (context: GatewayContext, prices: PriceBook) => { see(part: StreamPart): void };
  noteFact: (facts: object, part: StreamPart) => void;
  SseSink: new (response: ServerResponse, headers: Record<string, string>, encoder: unknown) => { part(part: StreamPart): boolean; end(): void };
  openaiSseEncoder: (meta: { id: string; model: string; created: number }, includeUsage: boolean) => unknown;
}

async function load(root: string): Promise<Modules> {
  const from = (path: string) => import(pathToFileURL(resolve(root, path)).href) as Promise<Record<string, unknown>>;
  const [stream, utf8, meter, observe, sse, routes] = await Promise.all([
    from("src/providers/openai-compatible/stream.ts"),
    from("src/providers/shared/utf8-chunks.ts"),
    from("src/control/usage/stream-meter.ts"),
    from("src/observability/chat-middleware.ts"),
    from("src/api/sse.ts"),
    from("src/api/openai/routes.ts"),
  ]);
  return {
    OpenaiEventMapper: stream.OpenaiEventMapper,
    Utf8Chunks: utf8.Utf8Chunks,
    StreamMeter: meter.StreamMeter,
    noteFact: observe.noteFact,
    SseSink: sse.SseSink,
    openaiSseEncoder: routes.openaiSseEncoder,
  } as Modules;
}

/** The benchmark upstream's stream, as its two writes (bench/mock-upstream.ts). */
function upstreamBytes(chunkCount: number): Buffer[] {
  const model = "bench";
  const chunk = (delta: object, finish: string | null) =>
    `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finish === null ? "null" : JSON.stringify(finish)}}]}\n\n`;
  const usage = { prompt_tokens: 12, completion_tokens: chunkCount, total_tokens: 12 + chunkCount };
  const head = chunk({ role: "assistant", content: "", refusal: null }, null) + chunk({ content: "word" }, null);
  let rest = "";
  for (let index = 1; index < chunkCount; index++) rest += chunk({ content: " word" }, null);
  rest += chunk({}, "stop");
  rest += `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
  rest += "data: [DONE]\n\n";
  return [Buffer.from(head), Buffer.from(rest)];
}

/** A response that takes the frames and keeps their length only. */
class NullResponse {
  destroyed = false;
  writableEnded = false;
  written = 0;
  writeHead(): this {
    return this;
  }
  write(text: string): boolean {
    this.written += text.length;
    return true;
  }
  end(text: string): void {
    this.written += text.length;
    this.writableEnded = true;
  }
  once(): this {
    return this;
  }
}

const context = { startedAt: 0, state: new Map() } as unknown as GatewayContext;
const prices = {} as PriceBook;

/** One stream through the fast path's streaming half, as fast-attempt.ts and fast-chat.ts run it. */
function runStream(modules: Modules, bytes: Buffer[]): number {
  const response = new NullResponse();
  const meter = new modules.StreamMeter(context, prices);
  const facts = {};
  const sink = new modules.SseSink(response as unknown as ServerResponse, { "x-request-id": "req_1" }, modules.openaiSseEncoder({ id: "chatcmpl-1", model: "bench", created: 1 }, true));
  const take = (part: StreamPart) => {
    meter.see(part);
    modules.noteFact(facts, part);
    sink.part(part);
  };
  const deliver = (parts: StreamPart[]) => {
    for (const part of parts) take(part);
  };
  const mapper = new modules.OpenaiEventMapper("up");
  const utf8 = new modules.Utf8Chunks();
  const parser = createParser({ onEvent: (event) => deliver(mapper.event(event.data)) });
  for (const chunk of bytes) {
    parser.feed(utf8.decode(chunk));
    if (mapper.done) break;
  }
  deliver(mapper.end());
  sink.end();
  return response.written;
}

async function round(modules: Modules, bytes: Buffer[], streams: number): Promise<number> {
  const before = process.cpuUsage();
  let written = 0;
  for (let index = 0; index < streams; index++) {
    written += runStream(modules, bytes);
    // Let the sinks' scheduled flushes run, as they would between upstream reads.
    if (index % 100 === 99) await new Promise((done) => setImmediate(done));
  }
  await new Promise((done) => setImmediate(done));
  const used = process.cpuUsage(before);
  if (written === 0) throw new Error("nothing written");
  return (used.user + used.system) / streams;
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

const bytes = upstreamBytes(Number(values.chunks));
const streams = Number(values.streams);
const pairs = Number(values.pairs);
const current = await load(process.cwd());
if (values.baseline) {
  const baseline = await load(values.baseline);
  // The same bytes out of both, or the comparison means nothing.
  const outA = runStream(baseline, bytes);
  const outB = runStream(current, bytes);
  if (outA !== outB) console.warn(`different output lengths: baseline ${outA}, current ${outB}`);
  for (let warm = 0; warm < 3; warm++) {
    await round(baseline, bytes, streams);
    await round(current, bytes, streams);
  }
  const ratios: number[] = [];
  const base: number[] = [];
  const now: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const first = pair % 2 === 0;
    const x = await round(first ? baseline : current, bytes, streams);
    const y = await round(first ? current : baseline, bytes, streams);
    const [b, c] = first ? [x, y] : [y, x];
    base.push(b);
    now.push(c);
    ratios.push(c / b);
  }
  console.log(`us of CPU per stream (median of ${pairs}): baseline ${median(base).toFixed(2)}, current ${median(now).toFixed(2)}; current/baseline median ratio ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)})`);
} else {
  for (let warm = 0; warm < 3; warm++) await round(current, bytes, streams);
  const list: number[] = [];
  for (let pair = 0; pair < pairs; pair++) list.push(await round(current, bytes, streams));
  console.log(`us of CPU per stream: median ${median(list).toFixed(2)} (min ${Math.min(...list).toFixed(2)}, max ${Math.max(...list).toFixed(2)})`);
}
