import { z } from "zod";
import { SwitchyardError } from "../core/errors.js";
import { createId } from "../core/ids.js";
import type { FileStore } from "../customization/files/file-store.js";
import type { Principal } from "../gateway/context.js";
import { parseBody } from "../http/parse-body.js";
import type { Logger } from "../observability/logger.js";
import { toBatchObject } from "./batch-object.js";
import type { BatchRunner } from "./batch-runner.js";
import type { BatchStore, Lease } from "./batch-store.js";
import { completionWindowMs } from "./config-schema.js";
import { readInputFile, type InputLine } from "./input-file.js";
import { unansweredLine, writeResultFiles } from "./result-files.js";
import { batchEndpoints, finalStatuses, type BatchRecord, type BatchStatus } from "./types.js";

export const createBatchSchema = z.object({
  input_file_id: z.string().min(1),
  endpoint: z.string().refine((value) => (batchEndpoints as readonly string[]).includes(value), {
    message: `supported endpoints are ${batchEndpoints.join(", ")}`,
  }),
  completion_window: z.string().refine((value) => completionWindowMs(value) !== undefined, {
    message: "use '24h' (or a shorter window such as '30m' or '90s')",
  }),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((value) => Object.keys(value).length <= 16, "at most 16 keys")
    .nullable()
    .optional(),
});

/** Where a batch's lines run: on this gateway (the runner), or through a provider's own batch API. */
export interface BatchExecutor {
  /** Claims the batch when it can run it upstream; false leaves it to the gateway. */
  tryDelegate?(record: BatchRecord, lines: readonly InputLine[]): Promise<boolean>;
  resume?(record: BatchRecord): void;
  cancel?(record: BatchRecord): Promise<void>;
  close?(): Promise<void>;
}

export interface BatchServiceOptions {
  store: BatchStore;
  files: FileStore;
  runner: BatchRunner;
  maxLines: number;
  logger: Logger;
  /** This node's name and how long its hold on a batch lasts without renewal. */
  leases: { owner: string; ms: number };
}

/** The Batches API: create, read, list and cancel batches; finishing them writes their files. */
export class BatchService {
  /** Batches not yet final, as this process last wrote them. */
  private readonly active = new Map<string, BatchRecord>();
  private delegate?: BatchExecutor;

  constructor(private readonly options: BatchServiceOptions) {}

  /** Sends batches a provider can run natively to it (set once, before `recover`). */
  delegateTo(executor: BatchExecutor): void {
    this.delegate = executor;
  }

  /**
   * One lease round: keeps this node's batches (dropping any another node took over, and taking in
   * a cancel that came through another node), then takes the batches nobody runs: new ones after a
   * crash of their node, or everything on a first start.
   */
  async leaseRound(): Promise<void> {
    const held = await this.options.store.renew(this.lease());
    for (const [id, record] of this.active) {
      const stored = held.get(id);
      if (stored === undefined) {
        this.active.delete(id);
        this.options.runner.wake();
      } else if (stored === "cancelling" && record.status === "in_progress") {
        record.status = "cancelling";
        await this.options.runner.halt(id);
        if (record.upstream) await this.delegate?.cancel?.(record);
      }
    }
    for (const id of await this.options.store.claimFree(this.lease(), Date.now())) await this.adopt(id);
  }

  /** Gives this node's batches back (clean shutdown, after the runner drained). */
  async releaseAll(): Promise<void> {
    await this.options.store.releaseLeases([...this.active.keys()], this.options.leases.owner);
  }

  /** Runs a batch this node just took over; its previous runner is gone. */
  private async adopt(id: string): Promise<void> {
    const record = await this.options.store.find(id);
    if (!record) return;
    this.active.set(record.id, record);
    if (record.upstream && this.delegate?.resume) {
      this.delegate.resume(record);
      return;
    }
    // A line in flight when its node stopped may have reached the provider: never send it again.
    const interrupted = await this.options.store.failAll(record.id, "running", (customId) =>
      unansweredLine(customId, "batch_interrupted", "The gateway stopped while this request was in flight; it is not sent again, so it cannot run twice.", createId("batch_req_")),
    );
    if (interrupted > 0) this.options.logger.warn({ batchId: record.id, lines: interrupted }, "batch lines in flight when their node stopped were not resent");
    this.options.runner.add(record.id);
  }

  private lease(): Lease {
    return { owner: this.options.leases.owner, until: Date.now() + this.options.leases.ms };
  }

  record(id: string): BatchRecord | undefined {
    return this.active.get(id);
  }

  async create(principal: Principal, projectId: string, raw: unknown) {
    const body = parseBody(createBatchSchema, raw);
    const file = await this.options.files.get(projectId, body.input_file_id).catch(() => {
      throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No file found with id '${body.input_file_id}'.`, { param: "input_file_id" });
    });
    if (file.purpose !== "batch") {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The file '${file.id}' has purpose '${file.purpose}'; a batch input file needs purpose 'batch'.`, { param: "input_file_id" });
    }
    const endpoint = body.endpoint as BatchRecord["endpoint"];
    const lines = readInputFile(await this.options.files.content(projectId, file.id), endpoint, this.options.maxLines);
    const now = Date.now();
    const record: BatchRecord = {
      id: createId("batch_"),
      projectId,
      keyId: principal.keyId,
      endpoint,
      inputFileId: file.id,
      completionWindow: body.completion_window,
      status: "in_progress",
      metadata: body.metadata ?? null,
      createdAt: now,
      expiresAt: now + completionWindowMs(body.completion_window)!,
      times: { in_progress_at: now },
      outputFileId: null,
      errorFileId: null,
      errors: null,
      upstream: null,
    };
    const failed = (line: InputLine) => unansweredLine(line.customId, line.problem!.code, line.problem!.message, createId("batch_req_"));
    await this.options.store.create(record, lines, failed, this.lease());
    this.active.set(record.id, record);
    const delegated = (await this.delegate?.tryDelegate?.(record, lines)) ?? false;
    if (!delegated) this.options.runner.add(record.id);
    return this.describe(record);
  }

  async get(projectId: string, id: string) {
    return this.describe(await this.options.store.get(projectId, id));
  }

  async list(projectId: string, query: { after?: string; limit: number }) {
    const page = await this.options.store.list(projectId, query);
    const data = await Promise.all(page.data.map((record) => this.describe(record)));
    return { object: "list" as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.hasMore };
  }

  /** OpenAI's cancel: cancelling until the lines in flight finish, then cancelled. */
  async cancel(projectId: string, id: string) {
    const stored = await this.options.store.get(projectId, id);
    if (stored.status === "cancelling" || stored.status === "cancelled") return this.describe(stored);
    if (finalStatuses.has(stored.status) || stored.status === "finalizing") {
      throw new SwitchyardError("SWY_ERR_CONFLICT", `Cannot cancel a batch with status '${stored.status}'.`, { param: "batch_id" });
    }
    const record = this.active.get(id) ?? stored;
    await this.update(record, "cancelling");
    if (record.upstream && this.delegate?.cancel) await this.delegate.cancel(record);
    else {
      await this.options.runner.halt(id);
      this.options.runner.add(id);
    }
    return this.describe(record);
  }

  /** Ends a batch the runner has nothing left to do for: cancelled, expired or completed; writes its files. */
  async settle(id: string): Promise<void> {
    const record = this.active.get(id);
    if (!record) return;
    // A cancel through another node may not have reached this one's copy yet.
    const stored = await this.options.store.find(id);
    if (stored?.status === "cancelling") record.status = "cancelling";
    let final: BatchStatus = "completed";
    if (record.status === "cancelling") {
      final = "cancelled";
      await this.options.store.failAll(id, "pending", (customId) => unansweredLine(customId, "batch_cancelled", "The batch was cancelled before this request ran.", createId("batch_req_")));
    } else if (Date.now() >= record.expiresAt) {
      const expired = await this.options.store.failAll(id, "pending", (customId) =>
        unansweredLine(customId, "batch_expired", "This request could not be executed before the completion window expired.", createId("batch_req_")),
      );
      const counts = await this.options.store.counts(id);
      if (expired > 0 || counts.completed + counts.failed < counts.total) final = "expired";
    }
    await this.finish(record, final);
  }

  /** Writes the files and the final status (used by the runner and by delegated batches). */
  async finish(record: BatchRecord, final: BatchStatus): Promise<void> {
    await this.update(record, "finalizing");
    const files = await writeResultFiles(this.options.store, this.options.files, record);
    record.outputFileId = files.outputFileId;
    record.errorFileId = files.errorFileId;
    await this.update(record, final);
    this.active.delete(record.id);
  }

  async update(record: BatchRecord, status: BatchStatus): Promise<void> {
    record.status = status;
    const stamp = `${status}_at` as keyof BatchRecord["times"];
    if (status !== "validating") record.times[stamp] ??= Date.now();
    await this.options.store.save(record);
  }

  private async describe(record: BatchRecord) {
    return toBatchObject(this.active.get(record.id) ?? record, await this.options.store.counts(record.id));
  }
}
