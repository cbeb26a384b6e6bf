/**
 * What local fine-tuning costs for models of real sizes: randomly initialised llama GGUF files with
 * the shapes of SmolLM2-135M and SmolLM2-360M (written to a temp dir, no download), trained for a few
 * steps by the real trainer child process (src/customization/trainer/train-process.ts) with each
 * `trainable` policy. Reports training tokens/s (steps after the first, which also allocates the
 * graphs), the trainer's peak RSS and the minutes 1,000 examples of ~256 tokens take per epoch.
 *
 * `135m-8` (SmolLM2-135M's width, 8 blocks) is the deepest of that width whose full-weight (`all`)
 * graph fits llama.cpp's, for comparing full-weight and partial memory. `360m-q8` stores the matrices
 * as Q8_0, as the default local model's download does (the trainer turns the trained ones into F32).
 *
 *   npx tsx bench/local/fine-tune-shapes.ts [--shapes 135m,360m,135m-8,360m-q8] [--modes all,last_layers:8] [--steps 3]
 *                                           [--threads 2] [--context 256]
 *
 * One process trains at a time; each run is a fresh child, so the peak RSS is that run's alone.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { trainingWindow } from "../../src/customization/fine-tuning/local-estimate.js";
import { tokensPerSecond, trainingCost } from "../../src/customization/fine-tuning/training-cost.js";
import type { TrainMessage, TrainProcessInput } from "../../src/customization/trainer/train-process.js";
import { llamaShapeTensors, parameterCount, SMOLLM2_135M, SMOLLM2_135M_8_BLOCKS, SMOLLM2_360M, SMOLLM2_360M_Q8_0, writeLlamaShapeGguf, type LlamaShape } from "../../test/local/llama-shapes.js";

const { values } = parseArgs({
  options: {
    shapes: { type: "string", default: "135m,360m" },
    modes: { type: "string", default: "all,last_layers:16,last_layers:8,last_layers:2" },
    steps: { type: "string", default: "3" },
    threads: { type: "string", default: "2" },
    context: { type: "string", default: "256" },
    "example-tokens": { type: "string", default: "256" },
  },
});
const shapes: Record<string, LlamaShape> = { "135m": SMOLLM2_135M, "360m": SMOLLM2_360M, "135m-8": SMOLLM2_135M_8_BLOCKS, "360m-q8": SMOLLM2_360M_Q8_0 };
const steps = Number(values.steps);
const threads = Math.min(Number(values.threads), availableParallelism());
const context = Number(values.context);
const exampleTokens = Number(values["example-tokens"]);
const trainer = resolve(import.meta.dirname, "../../src/customization/trainer/train-process.ts");
const scratch = mkdtempSync(join(tmpdir(), "swy-bench-ft-"));

/** Lowercase letters and spaces: one token per character in the shaped vocabulary. */
function text(characters: number): string {
  let state = 7;
  let result = "";
  for (let index = 0; index < characters; index++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    result += index % 6 === 5 ? " " : String.fromCharCode(97 + (state % 26));
  }
  return result;
}

interface Run {
  shape: string;
  /** What the estimate's cost model (training-cost.ts) predicts for this shape, policy and thread count. */
  modelledTokensPerSecond: number;
  mode: string;
  /** Why the trainer stopped, when it did not finish (llama.cpp's assertion). */
  failure?: string;
  trainable: number;
  tokensPerSecond: number;
  /** Tokens per second if the trainer had its threads to itself: tokens over CPU seconds per thread. */
  cpuTokensPerSecond: number;
  peakRssMiB: number;
  firstStepSeconds: number;
}

function train(modelPath: string, shape: LlamaShape, mode: string): Promise<Run> {
  const modelledTokensPerSecond = tokensPerSecond(trainingCost(llamaShapeTensors(shape), shape.layers, mode, trainingWindow(context)), threads);
  // steps + 1 half-overlapping windows (the first one warms up); BOS and EOS take two tokens.
  const tokens = context + 1 + (steps * context) / 2;
  const input: TrainProcessInput = {
    modelPath,
    outputPath: join(scratch, "out.gguf"),
    trainingTexts: [text(tokens - 2)],
    validationTexts: [],
    epochs: 1,
    learningRate: 1e-5,
    contextSize: context,
    threads,
    trainable: mode,
  };
  const inputPath = join(scratch, "input.json");
  writeFileSync(inputPath, JSON.stringify(input));
  return new Promise((done, fail) => {
    const child = fork(trainer, [inputPath], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const elapsed: number[] = [];
    const cpu: number[] = [];
    let trainable = 0;
    let peak = 0;
    child.on("message", (raw) => {
      const message = raw as TrainMessage;
      if (message.type === "parameters") trainable = message.trainable;
      if (message.type === "step") {
        elapsed.push(message.elapsedMs);
        cpu.push(message.cpuMs);
      }
      if (message.type === "done") peak = message.peakRssBytes;
    });
    child.on("exit", (code) => {
      rmSync(input.outputPath, { force: true });
      if (peak === 0 || elapsed.length < 2) {
        const assertion = stderr.split("\n").find((line) => line.includes("GGML_ASSERT"));
        if (!assertion) return fail(new Error(`trainer exit ${code}: ${stderr}`));
        return done({ shape: shape.name, modelledTokensPerSecond, mode, failure: assertion.replace(/^.*GGML_ASSERT/, "GGML_ASSERT"), trainable: 0, tokensPerSecond: 0, cpuTokensPerSecond: 0, peakRssMiB: 0, firstStepSeconds: 0 });
      }
      const seconds = (elapsed.at(-1)! - elapsed[0]!) / 1000;
      done({
        shape: shape.name,
        modelledTokensPerSecond,
        mode,
        trainable,
        tokensPerSecond: ((elapsed.length - 1) * context) / seconds,
        cpuTokensPerSecond: ((elapsed.length - 1) * context) / ((cpu.at(-1)! - cpu[0]!) / 1000 / threads),
        peakRssMiB: peak / 2 ** 20,
        firstStepSeconds: elapsed[0]! / 1000,
      });
    });
  });
}

/** Windows are half-overlapping, so every example token is trained about twice per epoch. */
const minutesPer1k = (tokensPerSecond: number) => (1000 * exampleTokens * 2) / tokensPerSecond / 60;

const runs: Run[] = [];
try {
  for (const key of values.shapes.split(",")) {
    const shape = shapes[key];
    if (!shape) throw new Error(`unknown shape ${key} (${Object.keys(shapes).join(", ")})`);
    const modelPath = join(scratch, `${key}.gguf`);
    const started = performance.now();
    writeLlamaShapeGguf(modelPath, shape);
    console.error(`${shape.name}: ${(parameterCount(shape) / 1e6).toFixed(1)}M parameters, written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    for (const mode of values.modes.split(",")) {
      const run = await train(modelPath, shape, mode);
      runs.push(run);
      if (run.failure) console.error(`  ${mode}: ${run.failure}`);
      else console.error(`  ${mode}: ${run.tokensPerSecond.toFixed(1)} tok/s (CPU-bound ${run.cpuTokensPerSecond.toFixed(1)}), peak RSS ${run.peakRssMiB.toFixed(0)} MiB`);
    }
    rmSync(modelPath, { force: true });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`Machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
  `${threads} threads, context ${context}, ${steps} timed steps after one warm-up step.\n`);
console.log(
  `| shape | trainable | trainable parameters | tokens/s (wall) | tokens/s (CPU time / ${threads}) | modelled tokens/s (estimates) | peak RSS | first step | ` +
    `minutes per 1k examples of ~${exampleTokens} tokens, one epoch (CPU-time rate) |`,
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const run of runs) {
  if (run.failure) {
    console.log(`| ${run.shape} | \`${run.mode}\` | – | fails: ${run.failure} | | ${run.modelledTokensPerSecond.toFixed(1)} | | | |`);
    continue;
  }
  console.log(
    `| ${run.shape} | \`${run.mode}\` | ${(run.trainable / 1e6).toFixed(1)}M | ${run.tokensPerSecond.toFixed(1)} | ${run.cpuTokensPerSecond.toFixed(1)} | ${run.modelledTokensPerSecond.toFixed(1)} | ` +
      `${run.peakRssMiB.toFixed(0)} MiB | ${run.firstStepSeconds.toFixed(1)} s | ${minutesPer1k(run.cpuTokensPerSecond).toFixed(0)} |`,
  );
}
