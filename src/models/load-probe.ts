import { execFile } from "node:child_process";
import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { SwitchyardError } from "../core/errors.js";
import { InvalidGgufError } from "./gguf-validation.js";

/**
 * Loads a model once in a child process before the server loads it in-process. llama.cpp aborts
 * the whole process on some malformed files (GGML_ASSERT, uncaught C++ exceptions); in a child,
 * that abort is only a failed probe. Results are cached per file (path, size, mtime).
 */
const PROBE_SCRIPT = `
const [moduleUrl, modelPath] = process.argv.slice(2);
const { getLlama, LlamaLogLevel } = await import(moduleUrl);
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize: 64, threads: 1 });
const tokens = model.tokenize("Hello");
await context.dispose();
await model.dispose();
process.stdout.write(JSON.stringify({ ok: true, tokens: tokens.length }));
`;

const cache = new Map<string, Promise<void>>();
/** Probe failures caused by a slow machine, not by the file: these are tried again next time. */
const timedOut = new WeakSet<object>();
let scriptPath: Promise<string> | undefined;

// A file, not `node -e`: node-llama-cpp forks helpers that inherit execArgv, which must not carry an inline script.
function probeScript(): Promise<string> {
  scriptPath ??= mkdtemp(join(tmpdir(), "switchyard-probe-")).then(async (directory) => {
    const path = join(directory, "probe.mjs");
    await writeFile(path, PROBE_SCRIPT);
    return path;
  });
  return scriptPath;
}

export interface ProbeOptions {
  timeoutMs?: number;
}

export async function probeModelLoad(path: string, options: ProbeOptions = {}): Promise<void> {
  const stats = await stat(path);
  const key = `${path}\u0000${stats.size}\u0000${stats.mtimeMs}`;
  let pending = cache.get(key);
  if (!pending) {
    // Failures stay cached too: a broken file must not cost a child process per request. A replaced file has a new key.
    pending = runProbe(path, options.timeoutMs ?? 120_000);
    cache.set(key, pending);
    pending.catch((error: unknown) => {
      if (error instanceof Error && timedOut.has(error)) cache.delete(key);
    });
  }
  return pending;
}

async function runProbe(path: string, timeoutMs: number): Promise<void> {
  const moduleUrl = import.meta.resolve("node-llama-cpp");
  const script = await probeScript();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, moduleUrl, path],
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: "" } },
      (error, stdout, stderr) => {
        if (!error && stdout.includes('"ok":true')) return resolve();
        const detail = lastLines(stderr) || (error?.signal ? `killed by ${error.signal}` : `exit code ${String(error?.code ?? "?")}`);
        if (error?.killed) {
          const slow = new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `Checking the model file '${basename(path)}' took longer than ${timeoutMs / 1000} s; try again.`, {
            cause: error,
            retryable: true,
          });
          timedOut.add(slow);
          return reject(slow);
        }
        reject(new InvalidGgufError(path, `llama.cpp failed to load it in a probe process (${detail})`, error));
      },
    );
  });
}

function lastLines(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("at "));
  return lines.slice(-2).join(" | ").slice(0, 400).replaceAll(basename(process.execPath), "node");
}
