import { SwitchyardError } from "../core/errors.js";
import type { Message } from "../core/types.js";
import { chatCompletionRequestSchema } from "../api/openai/schema.js";
import { chatCompletionToCanonical } from "../api/openai/to-canonical.js";
import { datasetRowSchema, type EvaluationSpec } from "./types.js";

/** A row ready to run: the prompt as canonical messages, its question text for judges, its reference. */
export interface PreparedRow {
  index: number;
  messages: Message[];
  /** The prompt as plain text (role-prefixed when it has several turns), shown to judges. */
  question: string;
  reference?: string;
}

/** Reads a project's `/v1/files` file; throws the file store's 404 for another project's or a missing one. */
export type ReadFile = (projectId: string, fileId: string) => Promise<Buffer>;

/** Most rows an evaluation runs, whatever the dataset holds: each row is a call per model plus its judges. */
export const MAX_ROWS = 10_000;

/**
 * The rows an evaluation runs: inline or a chat-format JSONL file (`{messages}` with the expected
 * answer as a final assistant message, or `{messages, reference}`), checked row by row like a
 * chat request so a bad row is a 400 naming it before anything is called.
 */
export async function loadRows(spec: EvaluationSpec, projectId: string, readFile: ReadFile): Promise<PreparedRow[]> {
  let raw: unknown[];
  let where: (index: number) => string;
  if ("rows" in spec.dataset) {
    raw = spec.dataset.rows;
    where = (index) => `dataset.rows[${index}]`;
  } else {
    const content = (await readFile(projectId, spec.dataset.file_id)).toString("utf8");
    raw = [];
    const lines = content.split("\n");
    const numbers: number[] = [];
    for (const [lineIndex, line] of lines.entries()) {
      if (line.trim() === "") continue;
      try {
        raw.push(JSON.parse(line) as unknown);
        numbers.push(lineIndex + 1);
      } catch {
        throw invalid(`line ${lineIndex + 1} of file '${spec.dataset.file_id}' is not JSON.`, "dataset.file_id");
      }
      if (raw.length > MAX_ROWS) break;
    }
    where = (index) => `line ${numbers[index]} of file '${(spec.dataset as { file_id: string }).file_id}'`;
  }
  const limit = Math.min(spec.max_rows ?? MAX_ROWS, MAX_ROWS);
  const rows = raw.slice(0, limit).map((value, index) => prepareRow(value, index, where(index)));
  if (rows.length === 0) throw invalid("The dataset has no rows: give at least one row with messages.", "dataset");
  return rows;
}

function prepareRow(value: unknown, index: number, where: string): PreparedRow {
  const row = datasetRowSchema.safeParse(value);
  if (!row.success) throw invalid(`${where} is not a chat row ({messages: [...], reference?: "..."}): ${row.error.issues[0]!.message}`, "dataset");
  let messages = row.data.messages;
  let reference = row.data.reference;
  const last = messages.at(-1);
  // A fine-tuning dataset's final assistant message is the answer expected, not part of the prompt.
  if (last?.role === "assistant" && messages.length > 1) {
    messages = messages.slice(0, -1);
    reference ??= textOf(last.content);
  }
  const parsed = chatCompletionRequestSchema.safeParse({ model: "evaluation", messages });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(`${where}: ${issue.path.slice(1).join(".") || "messages"}: ${issue.message}`, "dataset");
  }
  if (!parsed.data.messages.some((message) => message.role === "user")) throw invalid(`${where} has no user message.`, "dataset");
  const canonical = chatCompletionToCanonical(parsed.data, { model: "evaluation", messages }).messages;
  return { index, messages: canonical, question: questionOf(canonical), ...(reference === undefined ? {} : { reference }) };
}

function textOf(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const texts = content.flatMap((part) => (typeof part === "object" && part !== null && typeof (part as { text?: unknown }).text === "string" ? [(part as { text: string }).text] : []));
    return texts.length > 0 ? texts.join("") : undefined;
  }
  return undefined;
}

function questionOf(messages: Message[]): string {
  const turns = messages.filter((message) => message.role !== "system");
  const text = (message: Message) =>
    message.content
      .map((part) => (part.type === "text" ? part.text : ""))
      .join("")
      .trim();
  if (turns.length === 1) return text(turns[0]!);
  return turns.map((message) => `${message.role}: ${text(message)}`).join("\n");
}

function invalid(message: string, param: string): SwitchyardError {
  return new SwitchyardError("SWY_ERR_INVALID_REQUEST", message, { param });
}
