import { toSwitchyardError } from "../core/errors.js";
import { createId } from "../core/ids.js";
import type { Gateway } from "../gateway/gateway.js";
import type { Logger } from "../observability/logger.js";
import type { BatchPrincipals } from "./batch-principal.js";
import type { BatchStore, PendingLine } from "./batch-store.js";
import { runLine } from "./line-runner.js";
import type { LiveTraffic } from "./live-traffic.js";
import { unansweredLine } from "./result-files.js";
import type { BatchRecord, ResultLine } from "./types.js";

/** A batch this process is running lines of. */
interface Running {
  id: string;
  queue: PendingLine[];
  refilling?: Promise<void>;
  /** No pending line was left at the last look (lines put back for a rate limit clear it). */
  exhausted: boolean;
  /** Not before this time (the key's rate limit asked to wait). */
  notBefore: number;
  inFlight: Map<number, AbortController>;
}

export interface RunnerOptions {
  store: BatchStore;
  gateway: () => Gateway;
  principals: BatchPrincipals;
  live: LiveTraffic;
  concurrency: number;
  drainMs: number;
  logger: Logger;
  /** Reads the batch's current record (status changes come from cancel, expiry and finishing). */
  record: (id: string) => BatchRecord | undefined;
  /** Every line of the batch has an outcome, or it stopped (cancelled, expired): write its files. */
  settle: (id: string) => Promise<void>;
}

/** Why a line that was sent got cut off: the batch expired, or the gateway shut down. */
type CutReason = "expired" | "shutdown";

const REFILL = 64;
/** Idle workers look again at least this often (expiry, a rate-limit pause ending). */
const IDLE_MS = 1000;

/**
 * Runs batch lines through the gateway: a fixed number of workers (the concurrency cap) shared by
 * every batch, oldest batch first, each line claimed in the database before it is sent (so it is
 * sent at most once) and its outcome written as soon as it has one. A new line waits while live
 * traffic is busy; a line the key's rate limit turned away is put back and the batch pauses.
 */
export class BatchRunner {
  private readonly running = new Map<string, Running>();
  private readonly stop = new AbortController();
  private readonly cut = new Map<AbortController, CutReason>();
  private readonly sleepers = new Set<() => void>();
  private workers: Promise<void>[] = [];

  constructor(private readonly options: RunnerOptions) {}

  start(): void {
    for (let index = 0; index < this.options.concurrency; index++) this.workers.push(this.work());
  }

  /** Picks up a batch's pending lines (new, or resumed after a restart). */
  add(id: string): void {
    if (!this.running.has(id)) this.running.set(id, { id, queue: [], exhausted: false, notBefore: 0, inFlight: new Map() });
    this.wake();
  }

  /** Lines of this batch in flight right now. */
  inFlight(id: string): number {
    return this.running.get(id)?.inFlight.size ?? 0;
  }

  /** Stops starting lines of a batch; its lines in flight finish, or are cut off with `reason`. */
  async halt(id: string, cutOff?: CutReason): Promise<void> {
    const batch = this.running.get(id);
    if (!batch) return;
    batch.queue = [];
    if (cutOff) for (const controller of batch.inFlight.values()) this.abort(controller, cutOff);
    this.wake();
  }

  /** Shutdown: no new line starts; lines in flight get `drainMs` to finish, then are cut off. */
  async close(): Promise<void> {
    this.stop.abort();
    this.wake();
    const drained = Promise.all(this.workers);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.drainMs)));
    await Promise.race([drained, deadline]);
    clearTimeout(timer);
    for (const batch of this.running.values()) for (const controller of batch.inFlight.values()) this.abort(controller, "shutdown");
    await drained;
  }

  wake(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  private abort(controller: AbortController, reason: CutReason): void {
    if (!this.cut.has(controller)) this.cut.set(controller, reason);
    controller.abort();
  }

  private async work(): Promise<void> {
    while (!this.stop.signal.aborted) {
      await this.options.live.quiet(this.stop.signal);
      if (this.stop.signal.aborted) return;
      const next = await this.pick().catch((error: unknown) => {
        this.options.logger.error({ err: error }, "batch line could not be picked");
        return undefined;
      });
      if (next) await this.runOne(next.batch, next.line);
      else await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, IDLE_MS);
      this.sleepers.add(done);
    });
  }

  /** The next line to send: oldest batch first, claimed in the database. */
  private async pick(): Promise<{ batch: Running; line: PendingLine } | undefined> {
    for (const batch of this.running.values()) {
      const record = this.options.record(batch.id);
      if (!record || record.status !== "in_progress") {
        await this.settleIfIdle(batch);
        continue;
      }
      if (Date.now() >= record.expiresAt) {
        await this.halt(batch.id, "expired");
        await this.settleIfIdle(batch);
        continue;
      }
      if (batch.notBefore > Date.now()) continue;
      if (batch.queue.length === 0 && !batch.exhausted) await this.refill(batch);
      let line = batch.queue.shift();
      while (line && !(await this.options.store.claim(batch.id, line.line))) line = batch.queue.shift();
      if (line) return { batch, line };
      if (batch.queue.length === 0 && !batch.refilling) batch.exhausted = true;
      await this.settleIfIdle(batch);
    }
    return undefined;
  }

  private refill(batch: Running): Promise<void> {
    batch.refilling ??= this.options.store
      .pending(batch.id, REFILL)
      .then((lines) => {
        batch.queue.push(...lines.filter((line) => !batch.inFlight.has(line.line)));
        if (lines.length === 0) batch.exhausted = true;
      })
      .finally(() => (batch.refilling = undefined));
    return batch.refilling;
  }

  /** A batch with nothing left to send and nothing in flight is handed over to be finished. */
  private async settleIfIdle(batch: Running): Promise<void> {
    const record = this.options.record(batch.id);
    const stopping = !record || record.status !== "in_progress" || Date.now() >= record.expiresAt;
    if (batch.inFlight.size > 0 || (!stopping && !batch.exhausted)) return;
    // Two workers may get here for one batch: only the one that removes it finishes it.
    if (!this.running.delete(batch.id)) return;
    await this.options.settle(batch.id).catch((error: unknown) => this.options.logger.error({ err: error, batchId: batch.id }, "batch could not be finished"));
  }

  private async runOne(batch: Running, line: PendingLine): Promise<void> {
    const controller = new AbortController();
    batch.inFlight.set(line.line, controller);
    try {
      const record = this.options.record(batch.id);
      if (!record) {
        // The batch went to another node between picking and sending: the line was never sent.
        await this.options.store.release(batch.id, line.line);
        return;
      }
      let outcome;
      try {
        const principal = await this.options.principals.of(record.keyId);
        outcome = await runLine(this.options.gateway(), { batchId: batch.id, endpoint: record.endpoint, customId: line.customId, body: line.body, principal, signal: controller.signal });
      } catch (caught) {
        outcome = { kind: "done" as const, status: "failed" as const, result: failedBeforeSending(line.customId, caught) };
      }
      const cutReason = this.cut.get(controller);
      if (cutReason) {
        await this.options.store.finish(batch.id, line.line, "failed", cutOff(line.customId, cutReason));
      } else if (outcome.kind === "later") {
        await this.options.store.release(batch.id, line.line);
        batch.notBefore = Math.max(batch.notBefore, Date.now() + outcome.retryAfterMs);
        batch.exhausted = false;
      } else {
        await this.options.store.finish(batch.id, line.line, outcome.status, outcome.result);
      }
    } catch (error) {
      this.options.logger.error({ err: error, batchId: batch.id, line: line.line }, "batch line outcome could not be stored");
    } finally {
      batch.inFlight.delete(line.line);
      this.cut.delete(controller);
      this.wake();
    }
  }
}

function failedBeforeSending(customId: string, caught: unknown): ResultLine {
  const error = toSwitchyardError(caught);
  return {
    id: createId("batch_req_"),
    custom_id: customId,
    response: { status_code: error.status, request_id: createId("req_"), body: { error: { message: error.message, type: error.openaiType, param: error.param ?? null, code: error.code } } },
    error: null,
  };
}

function cutOff(customId: string | null, reason: CutReason): ResultLine {
  return reason === "expired"
    ? unansweredLine(customId, "batch_expired", "This request could not be executed before the completion window expired.", createId("batch_req_"))
    : unansweredLine(
        customId,
        "batch_interrupted",
        "The gateway shut down while this request was in flight; it is not sent again, so it cannot run twice.",
        createId("batch_req_"),
      );
}
