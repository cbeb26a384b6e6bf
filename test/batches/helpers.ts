import OpenAI, { toFile } from "openai";
import type { Batch } from "openai/resources/batches";

/** One chat line of a batch input file. */
export function chatLine(customId: string, content: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ custom_id: customId, method: "POST", url: "/v1/chat/completions", body: { model: "gpt", messages: [{ role: "user", content }], ...extra } });
}

export async function uploadBatchFile(client: OpenAI, lines: string[], purpose: "batch" | "fine-tune" = "batch"): Promise<string> {
  const file = await client.files.create({ file: await toFile(Buffer.from(lines.join("\n") + "\n"), "input.jsonl"), purpose });
  return file.id;
}

const FINAL = new Set(["completed", "failed", "expired", "cancelled"]);

/** Polls until the batch is final; every wait has its own deadline. */
export async function waitForBatch(client: OpenAI, id: string, deadlineMs = 60_000, until: (batch: Batch) => boolean = (batch) => FINAL.has(batch.status)): Promise<Batch> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const batch = await client.batches.retrieve(id);
    if (until(batch)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} still '${batch.status}' (${JSON.stringify(batch.request_counts)}) after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ResultFileLine {
  id: string;
  custom_id: string | null;
  response: { status_code: number; request_id: string; body: any } | null;
  error: { code: string; message: string } | null;
}

export async function readResults(client: OpenAI, fileId: string | null | undefined): Promise<ResultFileLine[]> {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ResultFileLine);
}
