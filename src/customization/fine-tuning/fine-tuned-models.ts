/**
 * Every node serves every job's `ft:` models. The node that trains a model registers it at once and
 * publishes on the change bus; the others (on that message, at start-up and at each reconcile) read
 * the jobs from the database, have the backend fetch the model file where it lives elsewhere (a
 * local GGUF from the blob store), and register the route.
 */
import type { Logger } from "../../observability/logger.js";
import type { ModelRegistry, Route } from "../../routing/model-registry.js";
import type { JobStore } from "./job-store.js";
import type { BackendName, FineTuningBackend, JobRecord } from "./types.js";

export interface FineTunedModelsOptions {
  jobs: JobStore;
  models: ModelRegistry;
  backends: Partial<Record<BackendName, FineTuningBackend>>;
  logger: Logger;
}

export class FineTunedModels {
  private readonly served = new Set<string>();
  private syncing: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: FineTunedModelsOptions) {}

  register(record: JobRecord, name: string, route: Route): void {
    const final = name === record.state.fine_tuned_model;
    this.options.models.register({
      name,
      ...(final ? { description: `Fine-tuned from ${record.request.model} by ${record.id}` } : {}),
      routes: [route],
      origin: "runtime",
      // The job's project owns the model: other projects' keys neither list nor call it.
      projectId: record.projectId,
    });
    this.served.add(name);
  }

  /** Serves what the database has and this node does not yet; one run at a time, with one more queued behind it. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.again = false;
        await this.syncOnce();
      } while (this.again);
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    for (const record of await this.options.jobs.withModels()) {
      const backend = this.options.backends[record.request.backend];
      if (!backend) continue;
      try {
        for (const checkpoint of record.state.checkpoints) {
          const name = checkpoint.fine_tuned_model_checkpoint;
          if (this.served.has(name)) continue;
          const route = backend.checkpointRouteFor?.(record, checkpoint);
          if (!route) continue;
          await backend.fetch?.(record, checkpoint);
          this.register(record, name, route);
        }
        const name = record.state.fine_tuned_model;
        if (record.status !== "succeeded" || !name || this.served.has(name)) continue;
        const route = backend.routeFor(record, name);
        if (!route) continue;
        await backend.fetch?.(record);
        this.register(record, name, route);
      } catch (error) {
        // One job's missing file must not keep the others from being served; the next reconcile retries it.
        this.options.logger.warn({ err: error, job: record.id }, "could not serve a fine-tuned model on this node yet");
      }
    }
  }
}
