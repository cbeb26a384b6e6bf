import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { tokenCounterSource } from "./token-counter-source.js";

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

function start(): Worker {
  const created = new Worker(tokenCounterSource(require.resolve("js-tiktoken/ranks/o200k_base")), { eval: true });
  created.unref();
  created.on("message", (message: { id: number; counts: number[] }) => {
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
    worker!.postMessage({ id, texts });
  });
}
