import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { KeyDirectory } from "../../src/control/auth/key-directory.js";
import { createVirtualKeyAuthenticator } from "../../src/control/auth/virtual-key-authenticator.js";
import { KeyStore } from "../../src/control/keys/key-store.js";
import { limitsReserver } from "../../src/control/limits/limits-middleware.js";
import { NANO } from "../../src/control/limits/limit-plan.js";
import { MemoryCounters } from "../../src/control/limits/memory-counters.js";
import { PriceBook } from "../../src/control/pricing/price-book.js";
import { ProjectStore } from "../../src/control/projects/project-store.js";
import { usageWriter } from "../../src/control/usage/metering-middleware.js";
import { StreamMeter } from "../../src/control/usage/stream-meter.js";
import { UsageLedger } from "../../src/control/usage/usage-ledger.js";
import type { GatewayContext } from "../../src/gateway/context.js";
import { createLogger } from "../../src/observability/logger.js";
import { openDatabase } from "../../src/storage/open-database.js";

/**
 * `npx tsx bench/control/virtual-key-path.ts`: the control plane of one virtual-key request in process,
 * without HTTP: authenticate the key, reserve its limits and budget, see the provider's usage, settle,
 * and journal the usage row (SQLite batches on the ledger's timer), as the fast path of
 * `/v1/chat/completions` does. Reports CPU us per request, so two builds can be compared without the
 * noise of a loaded machine's sockets. `--requests=N` (default 100000) in waves of `--concurrency` (100).
 */
const { values } = parseArgs({ options: { requests: { type: "string", default: "100000" }, concurrency: { type: "string", default: "100" } }, strict: true });
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const dir = mkdtempSync(join(tmpdir(), "swy-vk-path-"));
const storage = await openDatabase({ dataDir: dir });
const logger = createLogger("silent");
const projects = new ProjectStore(storage.db);
const keys = new KeyStore(storage.db);
const directory = new KeyDirectory(keys, projects, 60_000);
const prices = new PriceBook();
const counters = new MemoryCounters();
const ledger = new UsageLedger({ storage, journalDir: join(dir, "journal"), flushMs: 100, batchSize: 500, logger });
await ledger.start();
const limits = { rpm: 1_000_000_000, tpm: 1_000_000_000_000, budgetDailyUsd: 1_000_000 };
const project = await projects.create({ name: "bench", limits });
const { secret } = await keys.create(project.id, { name: "bench", limits });
const authenticator = createVirtualKeyAuthenticator("sk-bench-master", directory);
const route = { provider: "openai", providerType: "openai", model: "gpt-4o-mini", publicModel: "bench" };
const reserve = limitsReserver({ db: storage.db, directory, counters, prices, likelyRoute: () => route, defaultOutputEstimate: 256 });
const write = usageWriter(ledger, prices);
const signal = new AbortController().signal;

async function one(index: number): Promise<void> {
  const principal = await authenticator.authenticate(secret);
  const context: GatewayContext = {
    requestId: `req_${index}`,
    api: "openai",
    operation: "chat",
    request: { model: "bench", messages: [{ role: "user", content: [{ type: "text", text: "Say hello in one short sentence." }] }], maxOutputTokens: 32 },
    stream: false,
    signal,
    startedAt: performance.now(),
    principal,
    responseHeaders: {},
    attempts: [],
    state: new Map(),
  };
  const startedAt = Date.now();
  const settle = await reserve(context);
  context.route = { provider: route.provider, providerType: route.providerType, model: route.model };
  const meter = StreamMeter.of(context, prices);
  meter.see({ type: "text-delta", text: "Hello there." });
  meter.see({ type: "usage", usage: { inputTokens: 14, outputTokens: 4 } });
  const measured = await meter.measure();
  settle?.(Math.round(measured.costUsd * NANO), measured.inputTokens + measured.outputTokens);
  await write(context, "bench", startedAt, { status: "success", httpStatus: 200 });
}

async function run(count: number): Promise<number> {
  const before = process.cpuUsage();
  for (let start = 0; start < count; start += concurrency) {
    const wave: Array<Promise<void>> = [];
    for (let index = start; index < Math.min(count, start + concurrency); index++) wave.push(one(index));
    await Promise.all(wave);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

try {
  await run(Math.min(requests, 20_000));
  const figures: number[] = [];
  for (let round = 0; round < 3; round++) figures.push(await run(requests));
  process.stdout.write(`control plane of a virtual-key request: ${figures.map((us) => us.toFixed(1)).join(" / ")} us CPU (3 rounds of ${requests})\n`);
} finally {
  await ledger.close();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
