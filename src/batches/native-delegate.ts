import { setTimeout as sleep } from "node:timers/promises";
import { createId, createTimeOrderedId } from "../core/ids.js";
import type { PriceBook } from "../control/pricing/price-book.js";
import type { UsageRow } from "../control/usage/usage-record.js";
import { utcDay } from "../control/usage/usage-record.js";
import type { Logger } from "../observability/logger.js";
import type { NativeBatchApi, ProviderAdapter } from "../providers/contract.js";
import type { ModelRegistry } from "../routing/model-registry.js";
import type { BatchBudget } from "./batch-budget.js";
import type { BatchPrincipals } from "./batch-principal.js";
import type { BatchRunner } from "./batch-runner.js";
import type { BatchExecutor, BatchService } from "./batch-service.js";
import type { BatchStore } from "./batch-store.js";
import type { InputLine } from "./input-file.js";
import { unansweredLine } from "./result-files.js";
import type { BatchRecord, BatchStatus, ResultLine, UpstreamBatch } from "./types.js";

export interface NativeDelegateOptions {
  service: BatchService;
  store: BatchStore;
  runner: BatchRunner;
  models: () => ModelRegistry;
  providers: () => ReadonlyMap<string, ProviderAdapter>;
  principals: BatchPrincipals;
  budget: BatchBudget;
  prices: PriceBook;
  recordUsage: (row: UsageRow) => Promise<void>;
  /** True when something in the pipeline must see every request (guardrails, deployments): such batches run on the gateway. */
  needsPipeline: (model: string) => boolean;
  pollMs: number;
  logger: Logger;
}

const UPSTREAM_FINAL: Record<string, BatchStatus> = { completed: "completed", failed: "failed", expired: "expired", cancelled: "cancelled" };

/**
 * Sends a batch to the provider's own batch API (OpenAI's) for its discount, when every line asks
 * for one model whose first route has one and nothing in the pipeline needs to see each request.
 * Each line is reserved against the budget at batch prices first; the file goes upstream, the batch
 * is polled, and the provider's results become this batch's output and error files, metered at
 * batch prices. Upstream state is saved at every step, so a restart picks the polling up again.
 */
export class NativeDelegate implements BatchExecutor {
  private readonly stop = new AbortController();
  private readonly driving = new Set<Promise<void>>();

  constructor(private readonly options: NativeDelegateOptions) {}

  async tryDelegate(record: BatchRecord, lines: readonly InputLine[]): Promise<boolean> {
    if (record.completionWindow !== "24h") return false;
    const runnable = lines.filter((line): line is Extract<InputLine, { problem?: undefined }> => line.problem === undefined);
    const models = new Set(runnable.map((line) => String(line.body.model)));
    if (models.size !== 1) return false;
    const [publicModel] = [...models] as [string];
    if (this.options.needsPipeline(publicModel)) return false;
    let entry;
    try {
      entry = this.options.models().resolve(publicModel);
    } catch {
      return false;
    }
    const route = entry.routes[0];
    if (entry.auto !== undefined || !route?.provider.batches) return false;
    const principal = await this.options.principals.of(record.keyId).catch(() => undefined);
    if (!principal || (principal.allowedModels && !principal.allowedModels.includes(publicModel))) return false;
    if (runnable.some((line) => line.body.stream === true)) return false;

    const upstream: UpstreamBatch = { provider: route.provider.name, model: route.model, publicModel, sent: [] };
    const priced = { provider: route.provider.name, providerType: route.provider.type, model: route.model, publicModel };
    for (const line of runnable) {
      const reserved = await this.options.budget.reserve(record.keyId, priced, record.endpoint, line.body);
      if (!("estimateNano" in reserved)) {
        const error = reserved;
        await this.options.store.finish(record.id, line.line, "failed", {
          id: createId("batch_req_"),
          custom_id: line.customId,
          response: { status_code: error.status, request_id: createId("req_"), body: { error: { message: error.message, type: error.openaiType, param: null, code: error.code } } },
          error: null,
        });
        continue;
      }
      await this.options.store.claim(record.id, line.line);
      upstream.sent.push({ line: line.line, customId: line.customId, ...reserved });
    }
    if (upstream.sent.length === 0) return false;
    record.upstream = upstream;
    await this.options.store.save(record);
    this.drive(record, runnable);
    return true;
  }

  resume(record: BatchRecord): void {
    this.drive(record);
  }

  /** Passes a cancel on to the provider, once; before the upstream batch exists, the run loop does it. */
  async cancel(record: BatchRecord): Promise<void> {
    const api = this.api(record);
    const upstream = record.upstream;
    if (!api || !upstream?.batchId || upstream.cancelSent) return;
    upstream.cancelSent = true;
    await this.options.store.save(record);
    await api.cancelBatch(upstream.batchId, this.stop.signal).catch((error: unknown) => this.options.logger.warn({ err: error, batchId: record.id }, "upstream batch cancel failed"));
  }

  async close(): Promise<void> {
    this.stop.abort();
    await Promise.allSettled([...this.driving]);
  }

  private api(record: BatchRecord): NativeBatchApi | undefined {
    return record.upstream ? this.options.providers().get(record.upstream.provider)?.batches : undefined;
  }

  private drive(record: BatchRecord, lines?: readonly InputLine[]): void {
    const running = this.run(record, lines)
      .catch((error: unknown) => {
        if (!this.stop.signal.aborted) this.options.logger.error({ err: error, batchId: record.id }, "delegated batch failed");
      })
      .finally(() => this.driving.delete(running));
    this.driving.add(running);
  }

  private async run(record: BatchRecord, lines?: readonly InputLine[]): Promise<void> {
    const upstream = record.upstream!;
    const api = this.api(record);
    const signal = this.stop.signal;
    if (!api) return this.fallBack(record, `the provider '${upstream.provider}' has no batch API any more`);
    if (!upstream.batchId) {
      if (record.status === "cancelling") return this.conclude(record, api, "cancelled");
      try {
        const bodies = lines ? new Map(lines.map((line) => [line.line, line.body])) : await this.sentBodies(record);
        const content = upstream.sent.map((sent) => JSON.stringify({ custom_id: sent.customId, method: "POST", url: record.endpoint, body: { ...bodies.get(sent.line), model: upstream.model } })).join("\n");
        upstream.inputFileId ??= await api.uploadFile(new TextEncoder().encode(content + "\n"), `${record.id}.jsonl`, signal);
        await this.options.store.save(record);
        const created = await api.createBatch({ inputFileId: upstream.inputFileId, endpoint: record.endpoint, metadata: { switchyard_batch_id: record.id } }, signal);
        upstream.batchId = created.id;
        upstream.status = created.status;
        await this.options.store.save(record);
      } catch (error) {
        if (signal.aborted) return;
        return this.fallBack(record, (error as Error).message);
      }
    }
    for (;;) {
      if (signal.aborted) return;
      // A cancel that came while the batch was being created upstream is passed on here.
      if (record.status === "cancelling") await this.cancel(record);
      const batch = await api.retrieveBatch(upstream.batchId, signal).catch((error: unknown) => {
        if (!signal.aborted) this.options.logger.warn({ err: error, batchId: record.id }, "upstream batch poll failed; retrying");
        return undefined;
      });
      if (batch && batch.status !== upstream.status) {
        upstream.status = batch.status;
        await this.options.store.save(record);
      }
      const final = batch && UPSTREAM_FINAL[batch.status];
      if (batch && final) return this.conclude(record, api, final, batch.outputFileId, batch.errorFileId);
      await sleep(this.options.pollMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Upload or create failed: the lines run on the gateway instead, as if never delegated. */
  private async fallBack(record: BatchRecord, reason: string): Promise<void> {
    this.options.logger.warn({ batchId: record.id, reason }, "batch not delegated; running it on the gateway");
    for (const sent of record.upstream!.sent) {
      await this.options.budget.settle(record.keyId, sent, 0);
      await this.options.store.release(record.id, sent.line);
    }
    record.upstream = null;
    await this.options.store.save(record);
    this.options.runner.add(record.id);
  }

  private async sentBodies(record: BatchRecord): Promise<Map<number, Record<string, unknown>>> {
    const bodies = new Map<number, Record<string, unknown>>();
    for (const line of await this.options.store.lines(record.id, "running")) bodies.set(line.line, line.body);
    return bodies;
  }

  /** Turns the provider's result files into this batch's lines, settles budgets, meters, and finishes. */
  private async conclude(record: BatchRecord, api: NativeBatchApi, final: BatchStatus, outputFileId?: string | null, errorFileId?: string | null): Promise<void> {
    const upstream = record.upstream!;
    const signal = this.stop.signal;
    const answered = new Map<string, ResultLine>();
    for (const fileId of [outputFileId, errorFileId]) {
      if (!fileId) continue;
      for (const text of (await api.fileContent(fileId, signal)).split("\n")) {
        if (text.trim() === "") continue;
        const line = JSON.parse(text) as ResultLine;
        if (line.custom_id !== null) answered.set(line.custom_id, line);
      }
    }
    const provider = this.options.providers().get(upstream.provider);
    const priced = { provider: upstream.provider, providerType: provider?.type, model: upstream.model, publicModel: upstream.publicModel };
    const missing = final === "completed" ? "batch_failed" : `batch_${final}`;
    for (const sent of upstream.sent) {
      const line = answered.get(sent.customId);
      if (!line) {
        await this.options.budget.settle(record.keyId, sent, 0);
        await this.options.store.finish(record.id, sent.line, "failed", unansweredLine(sent.customId, missing, `The provider's batch ended '${final}' without answering this request.`, createId("batch_req_")));
        continue;
      }
      const body = line.response?.body as { model?: unknown; usage?: Record<string, unknown> } | undefined;
      if (body && typeof body === "object" && "model" in body) body.model = upstream.publicModel;
      const usage = readUsage(body?.usage);
      const cost = this.options.prices.batchCost(priced, usage);
      await this.options.budget.settle(record.keyId, sent, cost);
      const ok = line.response?.status_code === 200;
      await this.options.recordUsage({
        id: createTimeOrderedId("usg_", 20),
        request_id: line.response?.request_id ?? line.id,
        created_at: Date.now(),
        day: utcDay(Date.now()),
        key_id: record.keyId,
        project_id: record.projectId,
        api: "openai",
        model: upstream.publicModel,
        provider: upstream.provider,
        provider_type: provider?.type ?? null,
        upstream_model: upstream.model,
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        cached_input_tokens: usage.cachedInputTokens,
        estimated: 0,
        cost_usd: cost,
        latency_ms: 0,
        ttft_ms: null,
        status: ok ? "success" : "error",
        http_status: line.response?.status_code ?? 0,
        error_code: ok ? null : (line.error?.code ?? null),
        stream: 0,
        router_decision: null,
      });
      await this.options.store.finish(record.id, sent.line, ok ? "succeeded" : "failed", line);
    }
    if (final === "failed") record.errors = { object: "list", data: [{ code: "upstream_batch_failed", message: `The provider '${upstream.provider}' failed the batch.`, param: null, line: null }] };
    await this.options.service.finish(record, final);
  }
}

function readUsage(usage: Record<string, unknown> | undefined): { inputTokens: number; outputTokens: number; cachedInputTokens: number } {
  const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
  const details = usage?.prompt_tokens_details as Record<string, unknown> | undefined;
  return { inputTokens: number(usage?.prompt_tokens), outputTokens: number(usage?.completion_tokens), cachedInputTokens: number(details?.cached_tokens) };
}
