/**
 * Child-process entry for one local training run. llama.cpp blocks the thread it trains on and
 * aborts the whole process on a failed assertion, so training never runs inside the server.
 * Protocol: argv[2] is a JSON file with TrainOptions (minus callbacks) and `checkpointDirectory`;
 * progress goes to the parent as IPC messages (see TrainMessage).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { trainLlama, type EpochResult, type TrainableParameters, type TrainOptions, type TrainResult, type TrainStep } from "./llama-trainer.js";

export type TrainProcessInput = Omit<TrainOptions, "onStep" | "onEpoch" | "onParameters" | "shouldStop" | "checkpointPath"> & {
  checkpointDirectory?: string;
};

export type TrainMessage =
  | ({ type: "parameters" } & TrainableParameters)
  | ({ type: "step" } & TrainStep)
  | ({ type: "epoch"; checkpoint?: string } & EpochResult)
  /** `peakRssBytes`: this process's peak resident memory (the figure a partial fine-tune lowers). */
  | { type: "done"; result: TrainResult; peakRssBytes: number }
  | { type: "error"; message: string };

function send(message: TrainMessage): void {
  process.send?.(message);
}

/** The last message, then close the channel once it is flushed so the process can exit. */
function finish(message: TrainMessage): void {
  if (process.send) process.send(message, undefined, {}, () => process.disconnect());
}

function main(inputPath: string | undefined): void {
  if (!inputPath) {
    finish({ type: "error", message: "train-process: no input file" });
    process.exitCode = 2;
    return;
  }
  run(JSON.parse(readFileSync(inputPath, "utf8")) as TrainProcessInput);
}

/**
 * Training blocks this thread, so the IPC channel's "disconnect" never fires while it runs; a server
 * killed with SIGKILL would leave its trainer running for nothing (another node resumes the job).
 * Being re-parented is the sign: checked at every step, and the process ends at once.
 */
const parent = process.ppid;
function exitWhenOrphaned(): void {
  if (process.ppid !== parent) process.exit(3);
}

function run(input: TrainProcessInput): void {
  try {
    const checkpoints = new Map<number, string>();
    const result = trainLlama({
      ...input,
      checkpointPath: (epoch) => {
        if (!input.checkpointDirectory || epoch >= input.epochs) return undefined;
        const file = path.join(input.checkpointDirectory, `checkpoint-epoch-${epoch}.gguf`);
        checkpoints.set(epoch, file);
        return file;
      },
      onParameters: (parameters) => send({ type: "parameters", ...parameters }),
      onStep: (step) => {
        exitWhenOrphaned();
        send({ type: "step", ...step });
      },
      onEpoch: (epoch) => {
        exitWhenOrphaned();
        send({ type: "epoch", ...epoch, checkpoint: checkpoints.get(epoch.epoch) });
      },
    });
    finish({ type: "done", result, peakRssBytes: process.resourceUsage().maxRSS * 1024 });
  } catch (error) {
    finish({ type: "error", message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
  }
}

main(process.argv[2]);
