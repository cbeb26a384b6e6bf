/**
 * The `openai` backend: delegates to an OpenAI-compatible fine-tuning API (upload the file, create
 * the job, poll it, mirror its events and metrics). The upstream job id is persisted as soon as it
 * exists, so a restart resumes polling instead of paying for a second job.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";
import { createSecretResolver } from "../../config/secrets.js";
import type { ProviderAdapter } from "../../providers/contract.js";
import type { Route } from "../../routing/model-registry.js";
import type { DatasetStatistics } from "../files/dataset-validation.js";
import type { FineTuningConfig } from "../config-schema.js";
import { wasCancelled, type Estimate, type FineTuningBackend, type JobRecord, type RunHooks, type RunResult } from "./types.js";

type OpenaiConfig = NonNullable<FineTuningConfig["openai"]>;

const upstreamJobSchema = z.object({
  id: z.string(),
  status: z.string(),
  fine_tuned_model: z.string().nullish(),
  trained_tokens: z.number().nullish(),
  error: z.object({ message: z.string().nullish(), code: z.string().nullish() }).nullish(),
});

const upstreamEventsSchema = z.object({
  data: z.array(
    z.object({ id: z.string(), message: z.string(), level: z.string().nullish(), type: z.string().nullish(), data: z.unknown().optional() }),
  ),
});

const metricDataSchema = z.object({ step: z.number(), train_loss: z.number(), valid_loss: z.number().nullish() });

export class OpenaiBackend implements FineTuningBackend {
  readonly name = "openai" as const;
  private readonly baseUrl: string;

  constructor(
    /** The runtime's providers (the same map across reloads): the fine-tuned model is served by `config.provider`. */
    private readonly providers: ReadonlyMap<string, ProviderAdapter>,
    private readonly config: OpenaiConfig,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.baseUrl = config.base_url.replace(/\/+$/, "");
  }

  check(model: string): void {
    if (model.trim().length === 0) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "model is required.", { param: "model" });
  }

  async estimate(statistics: DatasetStatistics, epochs: number): Promise<Estimate> {
    const trained = statistics.totalTokens * epochs;
    // OpenAI's published order of magnitude: minutes of queueing plus roughly 1M tokens per 10 minutes.
    return { backend: "openai", trained_tokens: trained, cost_usd: (trained / 1_000_000) * this.config.price_per_million_tokens, seconds: 300 + Math.ceil(trained / 1700) };
  }

  routeFor(_job: JobRecord, model: string): Route | undefined {
    const provider = this.providers.get(this.config.provider);
    return provider ? { provider, model } : undefined;
  }

  private async call(path: string, init: { method?: string; body?: FormData; json?: unknown; signal?: AbortSignal }): Promise<unknown> {
    const key = createSecretResolver(this.env)(this.config.api_key);
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    if (init.json !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      signal: init.signal,
    });
    const text = await response.text();
    if (!response.ok) {
      throw new SwitchyardError(response.status >= 500 ? "SWY_ERR_UPSTREAM_ERROR" : "SWY_ERR_UPSTREAM_BAD_REQUEST", `Upstream fine-tuning API ${path}: ${response.status} ${text.slice(0, 500)}`, {
        upstream: { provider: "openai-fine-tuning", url: `${this.baseUrl}${path}`, status: response.status, body: text.slice(0, 2000) },
      });
    }
    return JSON.parse(text) as unknown;
  }

  private async upload(content: Buffer, filename: string, signal: AbortSignal): Promise<string> {
    const form = new FormData();
    form.append("purpose", "fine-tune");
    form.append("file", new Blob([content], { type: "application/jsonl" }), filename);
    const uploaded = z.object({ id: z.string() }).parse(await this.call("/files", { method: "POST", body: form, signal }));
    return uploaded.id;
  }

  async run(job: JobRecord, data: { trainingContent: Buffer; validationContent: Buffer | null }, hooks: RunHooks): Promise<RunResult> {
    // The upstream keeps its own queue; from here on the job is in its hands.
    await hooks.start();
    let upstreamId = typeof job.state.backend.upstreamJobId === "string" ? job.state.backend.upstreamJobId : undefined;
    if (!upstreamId) {
      const trainingFile = await this.upload(data.trainingContent, `${job.id}-train.jsonl`, hooks.signal);
      const validationFile = data.validationContent ? await this.upload(data.validationContent, `${job.id}-validation.jsonl`, hooks.signal) : undefined;
      const created = upstreamJobSchema.parse(
        await this.call("/fine_tuning/jobs", {
          method: "POST",
          signal: hooks.signal,
          json: {
            model: job.request.model,
            training_file: trainingFile,
            ...(validationFile ? { validation_file: validationFile } : {}),
            hyperparameters: job.request.hyperparameters,
            seed: job.request.seed,
            ...(job.request.suffix ? { suffix: job.request.suffix } : {}),
          },
        }),
      );
      upstreamId = created.id;
      await hooks.save({ upstreamJobId: upstreamId });
      await hooks.event(`Upstream fine-tuning job created: ${upstreamId}`);
    }
    const seen = new Set<string>(Array.isArray(job.state.backend.seenEvents) ? (job.state.backend.seenEvents as string[]) : []);
    try {
      for (;;) {
        const upstream = upstreamJobSchema.parse(await this.call(`/fine_tuning/jobs/${upstreamId}`, { signal: hooks.signal }));
        await this.mirrorEvents(upstreamId, seen, hooks);
        if (upstream.status === "succeeded") {
          const model = upstream.fine_tuned_model;
          const provider = this.providers.get(this.config.provider);
          if (!model || !provider) throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", "The upstream job succeeded without a model, or the serving provider is gone.");
          return { fineTunedModel: model, route: { provider, model }, trainedTokens: upstream.trained_tokens ?? 0 };
        }
        if (upstream.status === "failed" || upstream.status === "cancelled") {
          throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `The upstream job ${upstream.status}: ${upstream.error?.message ?? "no reason given"}`);
        }
        await sleep(this.config.poll_interval_ms, undefined, { signal: hooks.signal });
      }
    } catch (error) {
      if (hooks.signal.aborted && upstreamId) {
        // Cancelling here must stop the spend upstream too; a shutdown leaves it running for the resume.
        if (wasCancelled(hooks.signal)) await this.call(`/fine_tuning/jobs/${upstreamId}/cancel`, { method: "POST" }).catch(() => undefined);
      }
      throw error;
    }
  }

  private async mirrorEvents(upstreamId: string, seen: Set<string>, hooks: RunHooks): Promise<void> {
    const events = upstreamEventsSchema.parse(await this.call(`/fine_tuning/jobs/${upstreamId}/events?limit=100`, { signal: hooks.signal }));
    const fresh = events.data.filter((event) => !seen.has(event.id)).reverse();
    for (const event of fresh) {
      seen.add(event.id);
      const metric = event.type === "metrics" ? metricDataSchema.safeParse(event.data) : undefined;
      if (metric?.success) {
        hooks.metric({ step: metric.data.step, epoch: 0, train_loss: metric.data.train_loss, ...(metric.data.valid_loss != null ? { valid_loss: metric.data.valid_loss } : {}) });
      } else {
        await hooks.event(`upstream: ${event.message}`, { level: event.level === "error" ? "error" : event.level === "warn" ? "warn" : "info" });
      }
    }
    if (fresh.length > 0) await hooks.save({ seenEvents: [...seen] });
  }
}
