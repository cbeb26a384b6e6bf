import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson, startServer, type RunningServer } from "../shared/server.js";

/**
 * An emulator of OpenAI's Files and Fine-tuning APIs (POST /v1/files multipart, /v1/fine_tuning/jobs
 * create / retrieve / cancel / events). A job advances one status each time it is retrieved:
 * validating_files -> queued -> running (metric events) -> succeeded, or failed when the training
 * file contains FAIL_ME, with OpenAI's object shapes and `ft:` model names.
 */
export interface FineTuningEmulator extends RunningServer {
  baseURL: string;
  files: Map<string, { filename: string; purpose: string; content: string }>;
  jobs: Map<string, EmulatedJob>;
  /** Every request as `METHOD path`, in order. */
  log: string[];
}

interface EmulatedJob {
  id: string;
  object: "fine_tuning.job";
  model: string;
  status: string;
  training_file: string;
  validation_file: string | null;
  fine_tuned_model: string | null;
  suffix: string | null;
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  hyperparameters: Record<string, unknown>;
  created_at: number;
  finished_at: number | null;
  events: Array<{ object: "fine_tuning.job.event"; id: string; created_at: number; level: string; message: string; type: string; data?: unknown }>;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}${(++counter).toString(36).padStart(8, "0")}`;
const now = () => Math.floor(Date.now() / 1000);

function toWebRequest(request: IncomingMessage, body: Buffer): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
  return new Request("http://emulator" + (request.url ?? "/"), { method: request.method, headers, body });
}

function event(job: EmulatedJob, message: string, type = "message", data?: unknown): void {
  job.events.push({ object: "fine_tuning.job.event", id: nextId("ftevent-"), created_at: now(), level: "info", message, type, ...(data ? { data } : {}) });
}

function advance(job: EmulatedJob, emulator: FineTuningEmulator): void {
  const training = emulator.files.get(job.training_file)?.content ?? "";
  switch (job.status) {
    case "validating_files":
      if (training.includes("FAIL_ME")) {
        job.status = "failed";
        job.finished_at = now();
        job.error = { code: "invalid_training_file", message: "The training file has an example the emulator refuses (FAIL_ME).", param: "training_file" };
        event(job, job.error.message);
        return;
      }
      job.status = "queued";
      event(job, "Files validated, moving job to queued state");
      return;
    case "queued":
      job.status = "running";
      event(job, "Fine-tuning job started");
      return;
    case "running": {
      for (let step = 1; step <= 3; step++) event(job, `Step ${step}/3: training loss=${(2 / step).toFixed(3)}`, "metrics", { step, train_loss: 2 / step });
      job.status = "succeeded";
      job.finished_at = now();
      job.trained_tokens = training.length;
      job.fine_tuned_model = `ft:${job.model}:emulator-org${job.suffix ? `:${job.suffix}` : ""}:${job.id.slice(-8)}`;
      event(job, `New fine-tuned model created: ${job.fine_tuned_model}`);
      event(job, "The job has successfully completed");
      return;
    }
    default:
      return;
  }
}

export async function startFineTuningEmulator(options: { apiKey?: string } = {}): Promise<FineTuningEmulator> {
  const files: FineTuningEmulator["files"] = new Map();
  const jobs: FineTuningEmulator["jobs"] = new Map();
  const log: string[] = [];

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (request.url ?? "/").split("?")[0]!;
    log.push(`${request.method} ${path}`);
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(response, 401, { error: { message: "Incorrect API key provided", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    }
    if (request.method === "POST" && path === "/v1/files") {
      const form = await toWebRequest(request, raw).formData();
      const file = form.get("file");
      const purpose = form.get("purpose");
      if (!(file instanceof Blob) || typeof purpose !== "string") {
        return sendJson(response, 400, { error: { message: "file and purpose are required", type: "invalid_request_error", param: null, code: null } });
      }
      const id = nextId("file-");
      const filename = (file as File).name ?? "upload";
      files.set(id, { filename, purpose, content: await file.text() });
      return sendJson(response, 200, { id, object: "file", bytes: file.size, created_at: now(), filename, purpose, status: "processed" });
    }
    if (request.method === "POST" && path === "/v1/fine_tuning/jobs") {
      const body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      if (typeof body.training_file !== "string" || !files.has(body.training_file)) {
        return sendJson(response, 400, { error: { message: "invalid training_file", type: "invalid_request_error", param: "training_file", code: null } });
      }
      const job: EmulatedJob = {
        id: nextId("ftjob-"),
        object: "fine_tuning.job",
        model: String(body.model),
        status: "validating_files",
        training_file: body.training_file,
        validation_file: typeof body.validation_file === "string" ? body.validation_file : null,
        fine_tuned_model: null,
        suffix: typeof body.suffix === "string" ? body.suffix : null,
        trained_tokens: null,
        error: null,
        hyperparameters: (body.hyperparameters as Record<string, unknown>) ?? {},
        created_at: now(),
        finished_at: null,
        events: [],
      };
      event(job, `Created fine-tuning job: ${job.id}`);
      jobs.set(job.id, job);
      return sendJson(response, 200, publicJob(job));
    }
    const match = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(path);
    const job = match ? jobs.get(match[1]!) : undefined;
    if (match && !job) return sendJson(response, 404, { error: { message: "job not found", type: "invalid_request_error", param: null, code: null } });
    if (job && request.method === "GET" && !match![2]) {
      advance(job, emulator);
      return sendJson(response, 200, publicJob(job));
    }
    if (job && request.method === "GET" && match![2] === "/events") {
      return sendJson(response, 200, { object: "list", data: [...job.events].reverse(), has_more: false });
    }
    if (job && request.method === "POST" && match![2] === "/cancel") {
      job.status = "cancelled";
      job.finished_at = now();
      event(job, "Job cancelled");
      return sendJson(response, 200, publicJob(job));
    }
    return sendJson(response, 404, { error: { message: `no route ${path}`, type: "invalid_request_error", param: null, code: null } });
  };

  const running = await startServer(handle);
  const emulator: FineTuningEmulator = { ...running, baseURL: `${running.url}/v1`, files, jobs, log };
  return emulator;
}

function publicJob(job: EmulatedJob) {
  const { events: _events, ...rest } = job;
  return { ...rest, organization_id: "emulator-org", result_files: [], seed: 0, integrations: [], estimated_finish: null };
}

