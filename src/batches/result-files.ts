import type { FileStore } from "../customization/files/file-store.js";
import type { BatchStore } from "./batch-store.js";
import type { BatchRecord, ResultLine } from "./types.js";

/** The purpose OpenAI gives the files a batch writes. */
export const OUTPUT_PURPOSE = "batch_output";

/** A line that never got an answer (expired, cancelled, interrupted): it goes to the error file with `error` set. */
export function unansweredLine(customId: string | null, code: string, message: string, id: string): ResultLine {
  return { id, custom_id: customId, response: null, error: { code, message } };
}

/**
 * Writes the output file (lines that succeeded) and the error file (every other line), each in
 * input order and in OpenAI's line format; a file with no lines is not written.
 */
export async function writeResultFiles(store: BatchStore, files: FileStore, batch: BatchRecord): Promise<{ outputFileId: string | null; errorFileId: string | null }> {
  const output: string[] = [];
  const errors: string[] = [];
  for await (const line of store.results(batch.id)) {
    if (line.result === null) continue;
    (line.status === "succeeded" ? output : errors).push(line.result);
  }
  const write = async (lines: string[], name: string) =>
    lines.length === 0
      ? null
      : (await files.create({ projectId: batch.projectId, filename: `${batch.id}_${name}.jsonl`, purpose: OUTPUT_PURPOSE, content: Buffer.from(lines.join("\n") + "\n") })).id;
  return { outputFileId: await write(output, "output"), errorFileId: await write(errors, "error") };
}
