import { SwitchyardError } from "../core/errors.js";
import type { BatchEndpoint } from "./types.js";

/** One input line as read: a request to run, or why it cannot run (it goes to the error file). */
export type InputLine =
  | { line: number; customId: string; body: Record<string, unknown>; problem?: undefined }
  | { line: number; customId: string | null; body?: undefined; problem: { code: string; message: string } };

const MAX_CUSTOM_ID = 512;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a batch input file (JSONL: `{custom_id, method, url, body}` a line). A line that cannot run
 * is reported on its own and the rest still run; only a file that is unusable as a whole (empty,
 * too many lines, no runnable line) is refused with a 400.
 */
export function readInputFile(content: Buffer, endpoint: BatchEndpoint, maxLines: number): InputLine[] {
  const text = content.toString("utf8");
  const rows = text.split(/\r?\n/);
  if (rows.at(-1) === "") rows.pop();
  if (rows.length === 0) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The input file is empty: it needs one JSON request a line.", { param: "input_file_id" });
  if (rows.length > maxLines) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The input file has ${rows.length} lines; a batch takes at most ${maxLines}.`, { param: "input_file_id" });
  }
  const seen = new Set<string>();
  const lines = rows.map((row, index) => readLine(row, index + 1, endpoint, seen));
  if (!lines.some((line) => line.problem === undefined)) {
    const first = lines[0]!.problem!;
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The input file has no runnable line; line 1: ${first.message}`, { param: "input_file_id" });
  }
  return lines;
}

function readLine(row: string, line: number, endpoint: BatchEndpoint, seen: Set<string>): InputLine {
  const fail = (code: string, message: string, customId: string | null = null): InputLine => ({ line, customId, problem: { code, message: `Line ${line}: ${message}` } });
  if (row.trim() === "") return fail("invalid_json_line", "the line is empty.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(row);
  } catch {
    return fail("invalid_json_line", "the line is not valid JSON.");
  }
  if (!isObject(parsed)) return fail("invalid_json_line", "the line must be a JSON object.");
  const customId = parsed.custom_id;
  if (typeof customId !== "string" || customId.length === 0) return fail("missing_required_parameter", "'custom_id' must be a non-empty string.");
  if (customId.length > MAX_CUSTOM_ID) return fail("invalid_custom_id", `'custom_id' is longer than ${MAX_CUSTOM_ID} characters.`);
  if (seen.has(customId)) return fail("duplicate_custom_id", `the custom_id '${customId}' was used by an earlier line.`, customId);
  seen.add(customId);
  if (parsed.method !== "POST") return fail("invalid_method", "'method' must be \"POST\".", customId);
  if (parsed.url !== endpoint) return fail("mismatched_url", `'url' must be the batch's endpoint, '${endpoint}'.`, customId);
  if (!isObject(parsed.body)) return fail("missing_required_parameter", "'body' must be a JSON object (the request).", customId);
  if (typeof parsed.body.model !== "string" || parsed.body.model.length === 0) return fail("missing_required_parameter", "'body.model' must be a model name.", customId);
  return { line, customId, body: parsed.body };
}
