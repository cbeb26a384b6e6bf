import type { ServerResponse } from "node:http";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

/**
 * What the request path's observability costs per request, this build against another, in one run:
 * `observeRequest` (src/observability/request-log.ts) on the contexts a master-key chat request
 * leaves (JSON and streamed, one route, usage counted), from `dist/` and from `<baseline>/dist/`,
 * interleaved round by round. `silent` is the metric updates alone (the log level stops the line);
 * `info` adds the request log line, written by each build's own logger to stdout (so send stdout to
 * /dev/null; the figures go to stderr).
 *   npx tsx bench/observability/request-observe.ts --baseline=DIR [--rounds=5] [--requests=100000] >/dev/null
 * Both builds need `npx tsc -p tsconfig.build.json` first.
 */
const { values } = parseArgs({
  options: {
    baseline: { type: "string" },
    rounds: { type: "string", default: "5" },
    requests: { type: "string", default: "100000" },
  },
  strict: true,
});
if (!values.baseline) throw new Error("--baseline=DIR: a build of the commit to compare with");

interface Build {
  name: string;
  observeRequest: (request: unknown, raw: ServerResponse, startedAt: number, logger: unknown, metrics: unknown) => void;
  createMetrics: (options: { defaultMetrics?: boolean }) => unknown;
  createLogger: (level: string) => unknown;
  requestFacts: (context: unknown) => Record<string, unknown>;
}

async function load(name: string, root: string): Promise<Build> {
  const from = (path: string) => import(resolve(root, "dist/observability", path)) as Promise<any>;
  const [log, metrics, logger, facts] = await Promise.all([from("request-log.js"), from("metrics.js"), from("logger.js"), from("request-facts.js")]);
  return { name, observeRequest: log.observeRequest, createMetrics: metrics.createMetrics, createLogger: logger.createLogger, requestFacts: facts.requestFacts };
}

/** A master-key chat request as the fast path leaves it when the response closes. */
function context(build: Build, index: number) {
  const stream = index % 2 === 1;
  const value = {
    requestId: `req_${index}`,
    api: "openai",
    operation: "chat",
    request: { model: "bench", messages: [] },
    stream,
    signal: new AbortController().signal,
    startedAt: performance.now(),
    principal: { keyId: "master" },
    responseHeaders: {},
    route: { provider: "mock", providerType: "openai", model: "bench" },
    attempts: [{ provider: "mock", model: "bench", durationMs: 0.8 + index / 100 }],
    state: new Map(),
  };
  const facts = build.requestFacts(value);
  facts.usage = { inputTokens: 9 + index, outputTokens: 12 };
  facts.finishReason = "stop";
  if (stream) facts.firstTokenAt = value.startedAt + 0.4;
  return value;
}

const builds = [await load("baseline", values.baseline), await load("this build", ".")];
const requests = Number(values.requests);
const results = new Map<string, number[]>();
const response = { writableEnded: true, statusCode: 200 } as ServerResponse;

async function measure(build: Build, level: "silent" | "info"): Promise<number> {
  const metrics = build.createMetrics({ defaultMetrics: false });
  const logger = build.createLogger(level);
  const contexts = Array.from({ length: 16 }, (_, index) => context(build, index));
  const observed = contexts.map((item, index) => ({ id: item.requestId, method: "POST", url: index % 4 === 0 ? "/v1/chat/completions?x=1" : "/v1/chat/completions", route: "/v1/chat/completions", principal: item.principal, context: item }));
  // 50 requests per turn of the event loop, so the logger's asynchronous writes complete as they do in a server.
  const run = async (count: number) => {
    for (let index = 0; index < count; index++) {
      build.observeRequest(observed[index & 15], response, performance.now() - 1.5, logger, metrics);
      if (index % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await run(20_000);
  const before = process.cpuUsage();
  await run(requests);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

for (let round = 0; round < Number(values.rounds); round++) {
  for (const level of ["silent", "info"] as const) {
    for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
      const key = `${level}\t${build.name}`;
      results.set(key, [...(results.get(key) ?? []), await measure(build, level)]);
    }
  }
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
process.stderr.write(`observeRequest, CPU us per request (median of ${values.rounds} rounds of ${requests}; min-max)\n`);
for (const [key, list] of results) {
  process.stderr.write(`${key.padEnd(20)}\t${median(list).toFixed(2)}\t(${Math.min(...list).toFixed(2)}-${Math.max(...list).toFixed(2)})\n`);
}
