import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { TOKEN_COUNTER_ROLE, type CountReply, type CountRequest, type TokenCounterData } from "./token-counter-thread.js";

/**
 * Counts tokens on a worker thread: building the o200k rank table takes about a second of CPU (far
 * more on a busy machine), which must not stall the event loop serving requests.
 */
const require = createRequire(import.meta.url);

interface Pending {
  resolve(counts: number[]): void;
  reject(error: unknown): void;
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();
let idleTimer: NodeJS.Timeout | undefined;

/**
 * The worker and its rank table hold about 35 MB resident, and most deployments never need a count
 * (providers report usage), so it is started on first use and stopped after this long without one.
 */
const IDLE_STOP_MS = 60_000;

function stopWhenIdle(created: Worker): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (worker !== created || pending.size > 0) return;
    worker = undefined;
    void created.terminate();
  }, IDLE_STOP_MS);
  idleTimer.unref();
}

/**
 * Starts the thread from its module beside this one: the compiled JavaScript in dist/; when running the
 * TypeScript sources (development, tests) the .ts file, after registering tsx's loader in the new thread
 * (a worker's execArgv cannot take `--import`).
 */
function spawnThread(workerData: TokenCounterData): Worker {
  const compiled = new URL("./token-counter-thread.js", import.meta.url);
  if (existsSync(compiled)) return new Worker(compiled, { workerData });
  const source = new URL("./token-counter-thread.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function start(): Worker {
  const created = spawnThread({ role: TOKEN_COUNTER_ROLE, ranksPath: require.resolve("js-tiktoken/ranks/o200k_base") });
  created.unref();
  created.on("message", (message: CountReply) => {
    pending.get(message.id)?.resolve(message.counts);
    pending.delete(message.id);
    // Idle, the worker must not keep the process alive.
    if (pending.size === 0) {
      created.unref();
      stopWhenIdle(created);
    }
  });
  const fail = (error: unknown) => {
    // A worker stopped for idleness has already been replaced (or will be): nothing of it is pending.
    if (worker !== created) return;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
    worker = undefined;
  };
  created.on("error", fail);
  created.on("exit", (code) => fail(new Error(`token counter exited with ${code}`)));
  return created;
}

/** Token counts of several texts, counted off the main thread. */
export function countTokensOffThread(texts: string[]): Promise<number[]> {
  clearTimeout(idleTimer);
  worker ??= start();
  const id = nextId++;
  return new Promise<number[]>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.ref();
    worker!.postMessage({ id, texts } satisfies CountRequest);
  });
}
