/**
 * Tokens per second of a local GGUF model: through the gateway (HTTP, /v1/completions) versus
 * node-llama-cpp called directly with the same model, threads, context and sequences; then the
 * gateway's aggregate tokens/s with 1, 4 and 8 concurrent requests (parallel sequences, batched).
 *
 *   npx tsx bench/local/tokens-per-second.ts [--model FILE] [--threads N] [--tokens N] [--rounds N]
 *
 * Default model: ../shared/models/stories260K.gguf when present, else a generated random model.
 * Figures are ratios within one run on one machine; compare runs only on the same machine.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { getLlama, LlamaCompletion, LlamaLogLevel } from "node-llama-cpp";
import { createApp } from "../../src/app.js";
import { writeTinyLlamaGguf } from "../../test/local/gguf-writer.js";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    threads: { type: "string", default: "1" },
    tokens: { type: "string", default: "200" },
    rounds: { type: "string", default: "5" },
    "context-size": { type: "string", default: "512" },
  },
});
const threads = Math.min(Number(values.threads), availableParallelism());
const maxTokens = Number(values.tokens);
const rounds = Number(values.rounds);
const contextSize = Number(values["context-size"]);
const parallel = 8;
const prompt = "Once upon a time";

const scratch = mkdtempSync(join(tmpdir(), "swy-bench-"));
const stories = resolve(import.meta.dirname, "../../../shared/models/stories260K.gguf");
const modelPath = values.model ? resolve(values.model) : existsSync(stories) ? stories : writeTinyLlamaGguf(join(scratch, "tiny.gguf"), { dim: 128, layers: 4 });

/** Wall-clock and CPU seconds (all threads of this process) of one call; CPU time is what contention on a shared machine distorts least. */
async function measure(run: () => Promise<number>): Promise<{ tokens: number; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const tokens = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { tokens, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;

// Direct: node-llama-cpp with the gateway's settings (same context size and sequence count).
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize, sequences: parallel, threads });
function direct() {
  return measure(async () => {
    const sequence = context.getSequence();
    const completion = new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false });
    let tokens = 0;
    await completion.generateCompletion(prompt, { maxTokens, temperature: 0, onToken: (chunk) => (tokens += chunk.length) });
    completion.dispose();
    await sequence.dispose();
    return tokens;
  });
}

// Gateway: the same file served by a `local` provider over loopback HTTP.
const app = await createApp({
  config: {
    server: { data_dir: scratch, log_level: "silent" },
    providers: { local: { type: "local", threads, context_size: contextSize, parallel, queue_size: 64, probe_load: false, models: { bench: { file: modelPath } } } },
    models: { bench: { routes: [{ provider: "local", model: "bench" }] } },
  },
});
await app.server.listen({ port: 0, host: "127.0.0.1" });
const url = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}/v1/completions`;
function viaGateway(stream = false) {
  return measure(() => gatewayRequest(stream));
}
async function gatewayRequest(stream: boolean): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "bench", prompt, max_tokens: maxTokens, temperature: 0, stream, stream_options: { include_usage: true } }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`gateway answered ${response.status}: ${text}`);
  const usageJson = stream ? text.split("\n\n").map((frame) => frame.slice(6)).filter((data) => data.includes('"usage"')).pop()! : text;
  return (JSON.parse(usageJson) as { usage: { completion_tokens: number } }).usage.completion_tokens;
}

// Warm up both paths (model load, first allocations), then alternate so drift hits both alike.
await direct();
await viaGateway();
const rates = { direct: [] as number[], gateway: [] as number[], stream: [] as number[] };
const cpuRates = { direct: [] as number[], gateway: [] as number[], stream: [] as number[] };
for (let round = 0; round < rounds; round++) {
  for (const [key, run] of [["direct", direct], ["gateway", () => viaGateway(false)], ["stream", () => viaGateway(true)]] as const) {
    const result = await run();
    rates[key].push(result.tokens / result.seconds);
    cpuRates[key].push(result.tokens / result.cpuSeconds);
  }
}

const concurrency: Array<{ clients: number; aggregate: number; perRequest: number }> = [];
for (const clients of [1, 4, 8]) {
  const samples: number[] = [];
  for (let round = 0; round < Math.max(2, Math.ceil(rounds / 2)); round++) {
    const result = await measure(async () => (await Promise.all(Array.from({ length: clients }, () => gatewayRequest(false)))).reduce((sum, tokens) => sum + tokens, 0));
    samples.push(result.tokens / result.seconds);
  }
  const aggregate = median(samples);
  concurrency.push({ clients, aggregate, perRequest: aggregate / clients });
}

const line = (label: string, key: keyof typeof rates) =>
  `${label.padEnd(28)} ${median(rates[key]).toFixed(0).padStart(6)} tok/s wall (${(median(rates[key]) / median(rates.direct)).toFixed(3)}x)   ${median(cpuRates[key]).toFixed(0).padStart(6)} tok/CPU-s (${(median(cpuRates[key]) / median(cpuRates.direct)).toFixed(3)}x)`;
console.log(`model ${modelPath.replace(dirname(modelPath), "…")}, threads ${threads}, context ${contextSize} x ${parallel} sequences, ${maxTokens} tokens, ${rounds} rounds`);
console.log(`machine: ${cpus()[0]?.model ?? "cpu"} x ${availableParallelism()}, node ${process.version}`);
console.log(line("direct node-llama-cpp", "direct"));
console.log(line("gateway /v1/completions", "gateway"));
console.log(line("gateway /v1/completions SSE", "stream"));
for (const row of concurrency) {
  console.log(`concurrent ${String(row.clients).padStart(2)}: aggregate ${row.aggregate.toFixed(0)} tok/s, per request ${row.perRequest.toFixed(0)} tok/s`);
}

await app.close();
await context.dispose();
await model.dispose();
rmSync(scratch, { recursive: true, force: true });
