/**
 * Fine-tuning jobs: validate -> queue -> run on a backend -> register the model. Every transition
 * is persisted first. Exactly one node runs a job, the one holding its lease (job-leases.ts); when
 * it stops, another node claims the job and resumes it. Every node serves every job's models
 * (fine-tuned-models.ts), told by the change bus when one appears.
 */
import type { ChangeBus } from "../../cluster/change-bus.js";
import { changeTopics } from "../../cluster/topics.js";
import { SwitchyardError } from "../../core/errors.js";
import { createId } from "../../core/ids.js";
import type { Logger } from "../../observability/logger.js";
import type { ModelRegistry, Route } from "../../routing/model-registry.js";
import { validateDataset, type DatasetReport, type DatasetStatistics } from "../files/dataset-validation.js";
import type { FileStore } from "../files/file-store.js";
import { JobLeases } from "./job-leases.js";
import type { JobStore } from "./job-store.js";
import { FineTunedModels } from "./fine-tuned-models.js";
import { JobCancelled, terminalStatuses, type BackendName, type Estimate, type FineTuningBackend, type JobRecord, type JobRequest, type JobStatus, type StepMetric } from "./types.js";

export interface JobServiceOptions {
  jobs: JobStore;
  files: FileStore;
  models: ModelRegistry;
  backends: Partial<Record<BackendName, FineTuningBackend>>;
  maxTokensPerExample: number;
  logger: Logger;
  /** This node's name (the lease owner), the lease length, and the bus that tells other nodes. */
  cluster: { nodeId: string; leaseMs: number; bus: ChangeBus };
}

/** Step metrics are flushed to the database at most this often (the loss curve, not every step). */
const METRIC_FLUSH_MS = 1000;

export class JobService {
  private readonly running = new Map<string, AbortController>();
  private readonly work = new Set<Promise<void>>();
  private readonly leases: JobLeases;
  private readonly served: FineTunedModels;
  private readonly unsubscribe: Array<() => void> = [];
  private closing = false;

  constructor(private readonly options: JobServiceOptions) {
    this.leases = new JobLeases({
      jobs: options.jobs,
      nodeId: options.cluster.nodeId,
      leaseMs: options.cluster.leaseMs,
      logger: options.logger,
      resume: (record) => void this.resume(record),
      lost: (id) => this.running.get(id)?.abort(new SwitchyardError("SWY_ERR_CONFLICT", "lease lost")),
    });
    this.served = new FineTunedModels({ jobs: options.jobs, models: options.models, backends: options.backends, logger: options.logger });
  }

  backend(name: BackendName): FineTuningBackend {
    const backend = this.options.backends[name];
    if (!backend) {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The fine-tuning backend '${name}' is not configured.`, { param: "backend" });
    }
    return backend;
  }

  /** Which backend fine-tunes a model when the request names none: local for local routes, else openai. */
  chooseBackend(model: string): BackendName {
    const local = this.options.backends.local;
    if (local) {
      try {
        local.check(model);
        return "local";
      } catch {
        // not a local model: fall through
      }
    }
    if (this.options.backends.openai) return "openai";
    throw new SwitchyardError(
      "SWY_ERR_INVALID_REQUEST",
      `No fine-tuning backend can train '${model}': it has no local route and no \`fine_tuning.openai\` is configured.`,
      { param: "model" },
    );
  }

  /**
   * What a job would train, cost and take, without creating it: the same checks as `create` (the model is one
   * this project may fine-tune, the training file is its own), then the backend's estimate for the file's
   * validated statistics.
   */
  async estimate(projectId: string, request: Pick<JobRequest, "model" | "training_file" | "backend" | "hyperparameters">): Promise<{ estimate: Estimate; statistics: DatasetStatistics }> {
    if (this.options.models.get(request.model) !== undefined) this.options.models.resolve(request.model, projectId);
    const backend = this.backend(request.backend);
    backend.check(request.model);
    const file = await this.options.files.get(projectId, request.training_file).catch(() => {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `No such training file: '${request.training_file}'.`, { param: "training_file" });
    });
    if (!file.dataset) {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The file '${request.training_file}' was not uploaded with purpose fine-tune, so it has no dataset statistics.`, { param: "training_file" });
    }
    const target = { model: request.model, trainable: request.hyperparameters.trainable };
    return { estimate: await backend.estimate(file.dataset.statistics, request.hyperparameters.n_epochs, target), statistics: file.dataset.statistics };
  }

  async create(projectId: string, request: JobRequest): Promise<JobRecord> {
    // Another project's fine-tune is no base model for this one: it answers like an unknown name.
    if (this.options.models.get(request.model) !== undefined) this.options.models.resolve(request.model, projectId);
    this.backend(request.backend).check(request.model);
    await this.options.files.get(projectId, request.training_file).catch(() => {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `No such training file: '${request.training_file}'.`, { param: "training_file" });
    });
    if (request.validation_file) {
      await this.options.files.get(projectId, request.validation_file).catch(() => {
        throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `No such validation file: '${request.validation_file}'.`, { param: "validation_file" });
      });
    }
    const record: JobRecord = {
      id: createId("ftjob-"),
      projectId,
      status: "validating_files",
      createdAt: Date.now(),
      finishedAt: null,
      request,
      state: { fine_tuned_model: null, trained_tokens: null, error: null, started_at: null, estimated_finish: null, metrics: [], checkpoints: [], backend: {} },
    };
    await this.options.jobs.insert(record, { owner: this.leases.nodeId, until: this.leases.until() });
    this.leases.hold(record.id);
    await this.options.jobs.addEvent(record.id, { level: "info", type: "message", message: `Created fine-tuning job: ${record.id}` });
    this.launch(record);
    return record;
  }

  async get(projectId: string, id: string): Promise<JobRecord> {
    const record = await this.options.jobs.get(id, projectId);
    if (!record) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No such fine-tuning job: '${id}'.`, { param: "fine_tuning_job_id" });
    return record;
  }

  async cancel(projectId: string, id: string): Promise<JobRecord> {
    const record = await this.get(projectId, id);
    if (terminalStatuses.has(record.status)) {
      throw new SwitchyardError("SWY_ERR_CONFLICT", `The job ${id} has already ${record.status}; only unfinished jobs can be cancelled.`);
    }
    await this.finish(record, "cancelled");
    await this.options.jobs.addEvent(id, { level: "info", type: "message", message: "Job cancelled" });
    this.stopLocal(id, "cancelled");
    // The node running it may be another one: it stops its trainer on this message (or at its next renewal).
    await this.options.cluster.bus.publish(changeTopics.fineTuningJobs, id);
    return record;
  }

  /**
   * At start-up: serve every finished model, claim the unfinished jobs no live node holds and resume
   * them, then keep renewing and scanning; and listen for models and cancellations from other nodes.
   */
  async recover(): Promise<void> {
    const { bus } = this.options.cluster;
    this.unsubscribe.push(
      bus.subscribe(changeTopics.fineTunedModels, () => this.served.sync()),
      bus.subscribe(changeTopics.fineTuningJobs, async (message) => {
        for (const id of message.payload ? [message.payload] : [...this.running.keys()]) {
          const current = await this.options.jobs.get(id);
          if (current && terminalStatuses.has(current.status)) this.stopLocal(id, current.status);
        }
        await this.leases.scan();
      }),
    );
    await this.served.sync();
    await this.leases.start();
  }

  /** Stops the trainers this node runs and hands their jobs back, so another node resumes them at once. */
  async close(): Promise<void> {
    this.closing = true;
    for (const stop of this.unsubscribe.splice(0)) stop();
    await this.leases.stop();
    for (const controller of this.running.values()) controller.abort(new SwitchyardError("SWY_ERR_UPSTREAM_UNAVAILABLE", "shutting down"));
    await Promise.allSettled([...this.work]);
    await this.leases.release();
  }

  /** Stops this node's run of a job that ended elsewhere; a cancel is told apart from a shutdown (see JobCancelled). */
  private stopLocal(id: string, status: JobStatus): void {
    this.running.get(id)?.abort(status === "cancelled" ? new JobCancelled(id) : new SwitchyardError("SWY_ERR_CONFLICT", `The job ${id} has ${status}.`));
  }

  /** A job this node just claimed: fail it when its backend is gone, else run it from where it was. */
  private async resume(record: JobRecord): Promise<void> {
    if (this.closing) return;
    if (!this.options.backends[record.request.backend]) {
      record.state.error = { code: "backend_unavailable", message: `The ${record.request.backend} backend is no longer configured.`, param: null };
      await this.finish(record, "failed");
      this.leases.drop(record.id);
      return;
    }
    await this.options.jobs.addEvent(record.id, { level: "warn", type: "message", message: `Resumed after a restart (was ${record.status}) on ${this.leases.nodeId}` });
    this.launch(record);
  }

  private launch(record: JobRecord): void {
    const task = this.process(record).catch((error: unknown) => this.options.logger.error({ err: error, job: record.id }, "fine-tuning job crashed"));
    this.work.add(task);
    void task.finally(() => this.work.delete(task));
  }

  /** Serves a model here at once and tells the other nodes to fetch and serve it too. */
  private async announce(record: JobRecord, name: string, route: Route): Promise<void> {
    this.served.register(record, name, route);
    await this.options.cluster.bus.publish(changeTopics.fineTunedModels, record.id).catch((error: unknown) =>
      this.options.logger.warn({ err: error, job: record.id }, "could not announce a fine-tuned model; other nodes find it at their next reconcile"),
    );
  }

  /** Progress writes from the running node: dropped when the lease went to another node meanwhile. */
  private save(record: JobRecord): Promise<boolean> {
    return this.options.jobs.update(record, this.leases.nodeId);
  }

  private async setStatus(record: JobRecord, status: JobStatus): Promise<boolean> {
    const current = await this.options.jobs.get(record.id);
    if (!current || terminalStatuses.has(current.status)) return false;
    record.status = status;
    return this.save(record);
  }

  /** Cancellation comes from any node, so it is not tied to the lease; the runner's own ending is. */
  private async finish(record: JobRecord, status: JobStatus, owned = false): Promise<boolean> {
    record.status = status;
    record.finishedAt = Date.now();
    return owned ? this.save(record) : this.options.jobs.update(record);
  }

  private async readDataset(projectId: string, fileId: string, param: string): Promise<{ report: DatasetReport; content: Buffer }> {
    const content = await this.options.files.content(projectId, fileId);
    const report = validateDataset(content.toString("utf8"), { maxTokensPerExample: this.options.maxTokensPerExample });
    if (!report.valid) {
      const first = report.errors[0];
      throw Object.assign(new Error(`${param} ${fileId} is invalid: line ${first?.line}: ${first?.message}`), { param });
    }
    return { report, content };
  }

  private async process(record: JobRecord): Promise<void> {
    const controller = new AbortController();
    this.running.set(record.id, controller);
    try {
      let training: { report: DatasetReport; content: Buffer };
      let validation: { report: DatasetReport; content: Buffer } | null = null;
      try {
        training = await this.readDataset(record.projectId, record.request.training_file, "training_file");
        if (record.request.validation_file) validation = await this.readDataset(record.projectId, record.request.validation_file, "validation_file");
      } catch (error) {
        record.state.error = { code: "invalid_training_file", message: (error as Error).message, param: (error as { param?: string }).param ?? "training_file" };
        await this.options.jobs.addEvent(record.id, { level: "error", type: "message", message: record.state.error.message });
        await this.finish(record, "failed", true);
        return;
      }
      const backend = this.backend(record.request.backend);
      const target = { model: record.request.model, trainable: record.request.hyperparameters.trainable };
      const estimate = await backend.estimate(training.report.statistics, record.request.hyperparameters.n_epochs, target);
      record.state.statistics = training.report.statistics;
      await this.options.jobs.addEvent(record.id, { level: "info", type: "message", message: "Files validated, moving job to queued state", data: { statistics: training.report.statistics, estimate } });
      if (!(await this.setStatus(record, "queued"))) return;
      // The job stays queued until the backend takes it (the local backend trains one job at a time).
      const start = async () => {
        if (!(await this.setStatus(record, "running"))) throw new JobCancelled(record.id);
        record.state.started_at = record.state.started_at ?? Date.now();
        record.state.estimated_finish = Date.now() + estimate.seconds * 1000;
        await this.save(record);
        await this.options.jobs.addEvent(record.id, { level: "info", type: "message", message: `Fine-tuning job started on the ${backend.name} backend` });
      };

      let lastFlush = 0;
      const metric = (value: StepMetric) => {
        record.state.metrics.push(value);
        if (Date.now() - lastFlush > METRIC_FLUSH_MS) {
          lastFlush = Date.now();
          void this.save(record).catch(() => undefined);
        }
      };
      const result = await backend.run(
        record,
        { training: training.report.texts, validation: validation?.report.texts ?? [], trainingContent: training.content, validationContent: validation?.content ?? null },
        {
          signal: controller.signal,
          start,
          metric,
          event: (message, options = {}) =>
            this.options.jobs.addEvent(record.id, { level: options.level ?? "info", type: options.type ?? "message", message, data: options.data }),
          checkpoint: async (checkpoint, route) => {
            const id = createId("ftckpt-");
            record.state.checkpoints.push({ ...checkpoint, id, created_at: Date.now() });
            await this.save(record);
            await this.announce(record, checkpoint.fine_tuned_model_checkpoint, route);
          },
          save: async (backendState) => {
            record.state.backend = { ...record.state.backend, ...backendState };
            await this.save(record);
          },
        },
      );
      const suffix = record.request.suffix ? `:${record.request.suffix}` : "";
      record.state.fine_tuned_model = result.fineTunedModel.startsWith("ft:") ? result.fineTunedModel : `ft:${record.request.model}${suffix}:${record.id}`;
      record.state.trained_tokens = result.trainedTokens;
      record.state.evaluation = result.evaluation;
      record.state.backend = { ...record.state.backend, upstreamModel: result.route.model };
      if ((await this.options.jobs.get(record.id))?.status !== "running") return;
      if (!(await this.finish(record, "succeeded", true))) return;
      await this.announce(record, record.state.fine_tuned_model, result.route);
      await this.options.jobs.addEvent(record.id, { level: "info", type: "message", message: `New fine-tuned model created: ${record.state.fine_tuned_model}` });
      await this.options.jobs.addEvent(record.id, { level: "info", type: "message", message: "The job has successfully completed" });
    } catch (error) {
      if (controller.signal.aborted) return;
      const current = await this.options.jobs.get(record.id);
      if (!current || terminalStatuses.has(current.status)) return;
      const message = error instanceof Error ? error.message : String(error);
      record.state.error = {
        code: error instanceof SwitchyardError ? error.code : "training_failed",
        message,
        param: error instanceof SwitchyardError ? (error.param ?? null) : null,
      };
      if (!(await this.finish(record, "failed", true))) return;
      await this.options.jobs.addEvent(record.id, { level: "error", type: "message", message: `Fine-tuning failed: ${message}` });
    } finally {
      this.running.delete(record.id);
      // On shutdown the lease stays held until close() hands it back; otherwise the job is over here.
      if (!this.closing) this.leases.drop(record.id);
    }
  }
}
