/** A small client of the gateway's own /v1/files and /v1/fine_tuning API, for the CLI. */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

export interface FineTuningJobView {
  id: string;
  status: string;
  model: string;
  fine_tuned_model: string | null;
  error: { message: string } | null;
  metrics?: Array<{ step: number; total_steps?: number; train_loss: number; epoch: number }>;
  evaluation?: { base_valid_loss: number | null; final_valid_loss: number | null } | null;
}

export class GatewayApiError extends Error {
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export class FineTuningClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  async request<T>(path: string, init: { method?: string; json?: unknown; body?: FormData } = {}): Promise<T> {
    const headers: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    if (init.json !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.baseUrl.replace(/\/+$/, "")}${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    const text = await response.text();
    const body: unknown = text.length > 0 ? JSON.parse(text) : null;
    if (!response.ok) {
      const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
      throw new GatewayApiError(message, body);
    }
    return body as T;
  }

  async upload(path: string, purpose: string): Promise<{ id: string; dataset?: unknown }> {
    const form = new FormData();
    form.append("purpose", purpose);
    form.append("file", new Blob([await readFile(path)]), basename(path));
    return this.request("/v1/files", { method: "POST", body: form });
  }

  job(id: string): Promise<FineTuningJobView> {
    return this.request(`/v1/fine_tuning/jobs/${encodeURIComponent(id)}`);
  }
}
