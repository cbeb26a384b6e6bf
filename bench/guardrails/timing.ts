import { performance } from "node:perf_hooks";
import { createApp } from "../../src/app.js";
import type { StreamPart } from "../../src/core/types.js";
import type { GatewayContext } from "../../src/gateway/context.js";
import { InMemoryAuditLog } from "../../src/guardrails/audit-log.js";
import { defaultInputPolicy, defaultOutputPolicy, guardrailsSchema } from "../../src/guardrails/config.js";
import type { DetectorSet } from "../../src/guardrails/detectors/index.js";
import { DetectorSet as Detectors } from "../../src/guardrails/detectors/index.js";
import { createGuardrailsMiddleware } from "../../src/guardrails/middleware.js";
import { guardOutput } from "../../src/guardrails/output-stream.js";
import { MaskVault } from "../../src/guardrails/vault.js";
import { createLogger } from "../../src/observability/logger.js";
import { startOpenaiEmulator } from "../../test/emulators/openai/server.js";
import type { LabelledRecord } from "./generate.js";

const median = (values: number[]) => quantile(values, 0.5);
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1_000_000 / (ms / 1000);
}

export function measureThroughput(detectors: DetectorSet, records: readonly LabelledRecord[], rounds: number) {
  const texts = records.map((record) => record.text);
  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const prose = Array.from({ length: texts.length }, (_, index) => `The meeting moved to next week, item ${"abcdefghij"[index % 10]}; thanks for the notes and the quick reply.`);
  const proseBytes = prose.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const time = (inputs: string[], wanted?: Set<string>) => {
    for (const text of inputs.slice(0, 200)) detectors.detect(text, wanted);
    const started = performance.now();
    for (let round = 0; round < rounds; round++) for (const text of inputs) detectors.detect(text, wanted);
    return (performance.now() - started) / rounds;
  };
  const tickets = Array.from({ length: 300 }, (_, index) => prompt(1_000 + (index % 5) * 200));
  const ticketBytes = tickets.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const defaultCategories = new Set(Object.entries(defaultInputPolicy).filter(([, action]) => action !== "allow").map(([category]) => category));
  return {
    corpusBytes: bytes,
    allCategoriesMBps: mbPerSecond(bytes, time(texts)),
    defaultPolicyMBps: mbPerSecond(bytes, time(texts, defaultCategories)),
    plainProseMBps: mbPerSecond(proseBytes, time(prose)),
    supportTicketsMBps: mbPerSecond(ticketBytes, time(tickets)),
  };
}

const PII = ["alice.smith@example.com", "+44 20 7946 0958", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "bob@example.org"];

function chatContext(text: string): GatewayContext {
  return {
    requestId: "req_bench",
    api: "openai",
    operation: "chat",
    request: {
      model: "gpt",
      messages: [
        { role: "system", content: [{ type: "text", text: "You are a helpful assistant for the support team." }] },
        { role: "user", content: [{ type: "text", text }] },
      ],
    },
    stream: true,
    signal: new AbortController().signal,
    startedAt: 0,
    principal: { keyId: "bench" },
    responseHeaders: {},
    attempts: [],
    state: new Map(),
  };
}

/** A reply that echoes the placeholders it was given, streamed in 4-character deltas. */
function replyStream(context: GatewayContext, length: number): AsyncIterable<StreamPart> {
  const user = context.request.messages[1]!;
  const seen = user.role === "user" && user.content[0]?.type === "text" ? (user.content[0].text.match(/\[[A-Z_]+_\d+\]/g) ?? []) : [];
  let text = "";
  while (text.length < length) text += `Noted, I will follow up with ${seen[text.length % Math.max(1, seen.length)] ?? "them"} today. `;
  return (async function* () {
    for (let index = 0; index < text.length; index += 4) yield { type: "text-delta", text: text.slice(index, index + 4) } as StreamPart;
    yield { type: "finish", reason: { unified: "stop" } } as StreamPart;
  })();
}

function prompt(size: number): string {
  let text = "";
  let index = 0;
  while (text.length < size) text += `Customer ${index} wrote from ${PII[index++ % PII.length]} about invoice 2024-03-${String((index % 28) + 1).padStart(2, "0")}; the order shipped on time and they thank the team. `;
  return text;
}

export async function measurePipelineLatency(iterations: number) {
  const middleware = createGuardrailsMiddleware({
    config: guardrailsSchema.parse({ detectors: { phone_default_country: "US" }, audit: { store: "memory" } }),
    audit: new InMemoryAuditLog(1000),
    candidateProviders: () => [{ name: "up" }],
    allProviders: () => [{ name: "up" }],
  });
  const rows = [];
  for (const [label, size, reply] of [["2 KB prompt, 1 KB reply", 2_000, 1_000], ["32 KB prompt, 4 KB reply", 32_000, 4_000]] as const) {
    const text = prompt(size);
    const run = async (guarded: boolean) => {
      const context = chatContext(text);
      const started = performance.now();
      const next = async (inner: GatewayContext) => ({ stream: replyStream(inner, reply) });
      const result = guarded ? await middleware.handle(context, next) : await next(context);
      for await (const _part of result.stream) {
        // drain
      }
      return performance.now() - started;
    };
    for (let index = 0; index < 30; index++) await run(true);
    const base: number[] = [];
    const guarded: number[] = [];
    for (let index = 0; index < iterations; index++) {
      base.push(await run(false));
      guarded.push(await run(true));
    }
    const added = guarded.map((value, index) => value - base[index]!);
    const mean = added.reduce((sum, value) => sum + value, 0) / added.length;
    rows.push({ label, p50: median(added), p95: quantile(added, 0.95), mean, baselineP50: median(base) });
  }
  return rows;
}

export async function measureStreaming(rounds: number) {
  const vault = new MaskVault();
  const placeholders = PII.map((value, index) => vault.mask(index % 2 === 0 ? "email" : "phone", value));
  let text = "";
  while (text.length < 20_000) text += `Please contact ${placeholders[text.length % placeholders.length]} about the renewal next week. `;
  const parts: StreamPart[] = [];
  for (let index = 0; index < text.length; index += 4) parts.push({ type: "text-delta", text: text.slice(index, index + 4) });
  const source = async function* () {
    yield* parts;
  };
  const detectors = new Detectors();
  const drain = async (stream: AsyncIterable<StreamPart>) => {
    for await (const _part of stream) {
      // drain
    }
  };
  const time = async (make: () => AsyncIterable<StreamPart>) => {
    for (let index = 0; index < 3; index++) await drain(make());
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      await drain(make());
      samples.push(performance.now() - started);
    }
    return median(samples);
  };
  const passthroughMs = await time(() => source());
  const unmaskMs = await time(() => guardOutput(source(), { vault, detectors, policy: new Map(), window: 512, onAction: () => undefined }));
  const outputPolicy = new Map(Object.entries(defaultOutputPolicy));
  const guardedMs = await time(() => guardOutput(source(), { vault, detectors, policy: outputPolicy, window: 512, onAction: () => undefined }));
  return {
    deltas: parts.length,
    placeholders: placeholders.length,
    passthroughMs,
    unmaskMs,
    guardedMs,
    unmaskPerDeltaUs: ((unmaskMs - passthroughMs) * 1000) / parts.length,
    guardedPerDeltaUs: ((guardedMs - passthroughMs) * 1000) / parts.length,
  };
}

export async function measureHttpLatency(iterations: number) {
  const upstream = await startOpenaiEmulator({ chunkSize: 8 });
  const config = (guardrails: boolean) => ({
    providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
    models: { gpt: { routes: [{ provider: "up", model: "gpt-test" }] } },
    database: { url: ":memory:" },
    ...(guardrails && { guardrails: { detectors: { phone_default_country: "US" } } }),
  });
  const plain = await createApp({ config: config(false), logger: createLogger("silent"), env: {} });
  const guarded = await createApp({ config: config(true), logger: createLogger("silent"), env: {} });
  const content = prompt(2_000);
  const rows = [];
  try {
    for (const stream of [false, true]) {
      const payload = { model: "gpt", stream, messages: [{ role: "user", content }] };
      const call = async (app: typeof plain) => {
        const started = performance.now();
        const response = await app.server.inject({ method: "POST", url: "/v1/chat/completions", payload });
        if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}: ${response.body.slice(0, 200)}`);
        return performance.now() - started;
      };
      for (let index = 0; index < 30; index++) await Promise.all([call(plain), call(guarded)]);
      const without: number[] = [];
      const withGuardrails: number[] = [];
      for (let index = 0; index < iterations; index++) {
        without.push(await call(plain));
        withGuardrails.push(await call(guarded));
      }
      rows.push({ label: stream ? "streaming" : "non-streaming", without: median(without), with: median(withGuardrails) });
    }
  } finally {
    await Promise.all([plain.close(), guarded.close()]);
    await upstream.close();
  }
  return rows;
}
