import { SwitchyardError, isSwitchyardError } from "../core/errors.js";
import type { Logger } from "../observability/logger.js";
import type { ModelStatus } from "../providers/contract.js";
import type { ModelHubSettings } from "./hub-settings.js";
import { pullModel } from "./pull.js";

export interface AutoDownloadOptions {
  /** The local provider's name, for log lines. */
  provider: string;
  modelsDir: string;
  hub: ModelHubSettings;
  logger: Logger;
  /** Whether the model's file is in place (the provider's own lookup). */
  isPresent(model: string): Promise<boolean>;
  /** First wait before retrying a cut download; doubles per attempt. */
  retryDelayMs?: number;
}

interface Entry {
  model: string;
  source: string;
  state: ModelStatus["state"];
  received: number;
  total?: number;
  startedAt: number;
  /** Bytes already on disk when this attempt began (a resumed download), left out of the speed. */
  resumedFrom: number;
  failedAt?: number;
  /** Whether a later request may start the download again (not after a checksum or not-found failure). */
  retryable: boolean;
  message?: string;
}

/** Downloads running in this process, by models directory and source. */
const inProcess = new Map<string, Promise<void>>();

const ATTEMPTS = 5;
const MAX_RETRY_DELAY_MS = 30_000;
/** A request for a model whose download failed starts it again, at most this often. */
const RETRY_ON_REQUEST_MS = 60_000;
const MB = 1024 * 1024;

/**
 * Fetches configured local models that have a `source` and are missing, one at a time, in the
 * background: the same resumable, checksum-verified `models pull`, with progress in the log and in
 * the model's status. Until a model is ready its requests get 503 with the progress and Retry-After.
 */
export class LocalModelDownloads {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private offlineReported = false;

  constructor(private readonly options: AutoDownloadOptions) {}

  /** Checks each model once at start; missing ones are queued (or reported, when downloads are off). */
  async start(models: ReadonlyArray<{ model: string; source: string }>): Promise<void> {
    for (const { model, source } of models) {
      // "missing" until the file is found: a status read during the check must not say ready.
      const entry: Entry = { model, source, state: "missing", received: 0, startedAt: 0, resumedFrom: 0, retryable: true };
      this.entries.set(model, entry);
      if (await this.options.isPresent(model)) {
        entry.state = "ready";
        continue;
      }
      if (!this.options.hub.autoDownload) {
        entry.state = "missing";
        entry.message = `Not downloaded; automatic download is off (server.auto_download, SWITCHYARD_AUTO_DOWNLOAD). Pull it with: npx switchyard models pull ${source}`;
        this.options.logger.warn({ provider: this.options.provider, model }, `The local model '${model}' is not downloaded yet. ${entry.message}`);
        continue;
      }
      this.options.logger.info(
        { provider: this.options.provider, model, source },
        `The local model '${model}' is not downloaded yet: fetching ${source} in the background (SWITCHYARD_AUTO_DOWNLOAD=0 turns this off).`,
      );
      this.enqueue(entry);
    }
  }

  status(model: string): ModelStatus | undefined {
    const entry = this.entries.get(model);
    if (!entry) return undefined;
    const status: ModelStatus = { state: entry.state, source: entry.source };
    if (entry.state === "downloading" || entry.received > 0) {
      status.downloaded_bytes = entry.received;
      if (entry.total !== undefined) {
        status.total_bytes = entry.total;
        status.progress = entry.total > 0 ? Math.min(1, entry.received / entry.total) : undefined;
      }
    }
    if (entry.message && entry.state !== "ready") status.message = entry.message;
    return status;
  }

  /** Throws the 503 for a model that is queued or downloading; a no-op otherwise. */
  throwIfPending(model: string): void {
    const entry = this.entries.get(model);
    if (entry?.state === "queued") {
      throw new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `The local model '${model}' is waiting for another download to finish; it answers once downloaded.`, {
        retryAfterSeconds: 30,
      });
    }
    if (entry?.state !== "downloading") return;
    const seconds = this.secondsLeft(entry);
    const size = entry.total === undefined ? `${mb(entry.received)} MB so far` : `${percent(entry)}%, ${mb(entry.received)} of ${mb(entry.total)} MB`;
    throw new SwitchyardError(
      "SWY_ERR_MODEL_UNAVAILABLE",
      `The local model '${model}' is downloading (${size}${seconds === undefined ? "" : `, about ${seconds} s left`}); it answers once the download is checked. GET /v1/models shows the progress.`,
      { retryAfterSeconds: Math.min(60, Math.max(1, seconds ?? 5)) },
    );
  }

  /**
   * The error for a model whose file is missing: what went wrong with its download and what to do.
   * A request for a model whose download failed for a passing reason starts it again (at most once a minute).
   */
  explain(model: string, error: unknown): unknown {
    const entry = this.entries.get(model);
    if (!entry || !isSwitchyardError(error) || error.code !== "SWY_ERR_MODEL_UNAVAILABLE") return error;
    if ((entry.state === "offline" || entry.state === "failed") && this.options.hub.autoDownload && entry.retryable) {
      if (Date.now() - (entry.failedAt ?? 0) >= RETRY_ON_REQUEST_MS) {
        this.options.logger.info({ provider: this.options.provider, model }, `A request asked for the local model '${model}': trying its download again.`);
        this.enqueue(entry);
        this.throwIfPending(model);
      }
    }
    if (entry.state === "ready" || !entry.message) return error;
    return new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `The local model '${model}' is not downloaded yet. ${entry.message}`, {
      retryAfterSeconds: entry.state === "missing" ? undefined : Math.ceil(RETRY_ON_REQUEST_MS / 1000),
      cause: error,
    });
  }

  async close(): Promise<void> {
    this.abort.abort(new Error("the server is shutting down"));
    await this.running;
  }

  private enqueue(entry: Entry): void {
    entry.state = "queued";
    entry.message = undefined;
    this.queue.push(entry);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (let entry = this.queue.shift(); entry && !this.abort.signal.aborted; entry = this.queue.shift()) {
      await this.download(entry);
    }
  }

  /**
   * One download per file in the process: after a reload changes the local provider, the old adapter
   * (closing once its requests end) and the new one must not write the same partial file at once.
   */
  private async download(entry: Entry): Promise<void> {
    const key = `${this.options.modelsDir}\u0000${entry.source}`;
    for (let other = inProcess.get(key); other; other = inProcess.get(key)) await other;
    if (this.abort.signal.aborted) return;
    if (await this.options.isPresent(entry.model)) {
      entry.state = "ready";
      return;
    }
    const mine = this.fetch(entry).finally(() => inProcess.delete(key));
    inProcess.set(key, mine);
    await mine;
  }

  private async fetch(entry: Entry): Promise<void> {
    const { logger, provider } = this.options;
    const fields = { provider, model: entry.model, source: entry.source };
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      entry.state = "downloading";
      let nextLog = 0;
      try {
        const result = await pullModel({
          source: entry.source,
          modelsDir: this.options.modelsDir,
          endpoint: this.options.hub.endpoint,
          token: this.options.hub.token,
          signal: this.abort.signal,
          onProgress: (received, total) => {
            if (entry.startedAt === 0 || received < entry.received) {
              entry.startedAt = Date.now();
              entry.resumedFrom = received;
              if (received > 0) logger.info({ ...fields, resumedFromBytes: received }, `Resuming the download of '${entry.model}' at ${mb(received)} MB.`);
            }
            entry.received = received;
            entry.total = total;
            // One line per tenth (or per 50 MB when the size is unknown): progress without flooding the log.
            const step = total ? Math.floor((received / total) * 10) : Math.floor(received / (50 * MB));
            if (step >= nextLog) {
              nextLog = step + 1;
              const speed = this.speed(entry);
              logger.info(
                { ...fields, downloadedBytes: received, totalBytes: total },
                `Downloading '${entry.model}': ${total ? `${percent(entry)}% (${mb(received)} of ${mb(total)} MB)` : `${mb(received)} MB`}${speed ? `, ${(speed / MB).toFixed(1)} MB/s` : ""}`,
              );
            }
          },
        });
        entry.state = "ready";
        entry.message = undefined;
        logger.info({ ...fields, path: result.path, sha256: result.entry.sha256 }, `The local model '${entry.model}' is downloaded and checked (sha256 ${result.entry.sha256}); it answers now.`);
        return;
      } catch (error) {
        entry.startedAt = 0;
        if (this.abort.signal.aborted) return;
        const failure = isSwitchyardError(error) ? error : new SwitchyardError("SWY_ERR_INTERNAL", (error as Error).message, { cause: error });
        const nothingYet = entry.received === 0;
        if (failure.code === "SWY_ERR_UPSTREAM_UNAVAILABLE" && nothingYet) return this.offline(entry, failure);
        const passing = failure.code === "SWY_ERR_STREAM_INTERRUPTED" || failure.code === "SWY_ERR_UPSTREAM_UNAVAILABLE" || /answered 5\d\d/.test(failure.message);
        if (passing && attempt < ATTEMPTS) {
          const delay = Math.min(MAX_RETRY_DELAY_MS, (this.options.retryDelayMs ?? 1000) * 2 ** (attempt - 1));
          logger.warn({ ...fields, attempt }, `The download of '${entry.model}' stopped (${failure.message}); resuming in ${Math.round(delay / 1000)} s.`);
          if (!(await sleep(delay, this.abort.signal))) return;
          continue;
        }
        entry.state = "failed";
        entry.failedAt = Date.now();
        entry.retryable = passing;
        entry.message = `Its download failed: ${failure.message} Pull it with: npx switchyard models pull ${entry.source}`;
        logger.error({ ...fields, code: failure.code }, `The download of the local model '${entry.model}' failed: ${failure.message}`);
        return;
      }
    }
  }

  /** No answer from the hub before any byte: said once, with what to do; a later request tries again. */
  private offline(entry: Entry, failure: SwitchyardError): void {
    entry.state = "offline";
    entry.failedAt = Date.now();
    entry.retryable = true;
    entry.message = `The model hub (${this.options.hub.endpoint}) cannot be reached: ${failure.message}. When online, restart the server or pull it with: npx switchyard models pull ${entry.source} (or copy a GGUF file into ${this.options.modelsDir}; SWITCHYARD_AUTO_DOWNLOAD=0 stops these attempts).`;
    const fields = { provider: this.options.provider, model: entry.model };
    if (this.offlineReported) this.options.logger.debug(fields, entry.message);
    else this.options.logger.warn(fields, `The local model '${entry.model}' is not downloaded yet. ${entry.message}`);
    this.offlineReported = true;
  }

  private speed(entry: Entry): number | undefined {
    const seconds = (Date.now() - entry.startedAt) / 1000;
    return seconds >= 1 ? (entry.received - entry.resumedFrom) / seconds : undefined;
  }

  private secondsLeft(entry: Entry): number | undefined {
    const speed = this.speed(entry);
    if (!speed || entry.total === undefined) return undefined;
    return Math.ceil((entry.total - entry.received) / speed);
  }
}

const mb = (bytes: number) => (bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0);
const percent = (entry: Entry) => (entry.total ? Math.floor((entry.received / entry.total) * 100) : 0);

/** Resolves true after the delay, false when aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
