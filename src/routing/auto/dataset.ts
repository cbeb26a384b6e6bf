import { readFileSync } from "node:fs";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";

/**
 * The router's training input is a plain dataset, one JSON object a line:
 * `{"prompt": "...", "scores": {"MODEL": 0..1, ...}}`. Logged traffic with feedback can be
 * written in the same shape to retrain from.
 */
export const routingRowSchema = z.looseObject({
  prompt: z.string(),
  scores: z.record(z.string(), z.number().min(0).max(1)),
});

export type RoutingRow = z.infer<typeof routingRowSchema>;

export interface PairedRow {
  prompt: string;
  strong: number;
  weak: number;
}

export function parseRoutingData(text: string, source: string): RoutingRow[] {
  const rows: RoutingRow[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `${source}:${index + 1}: not valid JSON`);
    }
    const parsed = routingRowSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `${source}:${index + 1}: ${issue?.path.join(".") || "row"}: ${issue?.message ?? "invalid"}`);
    }
    rows.push(parsed.data);
  }
  return rows;
}

export function readRoutingData(path: string): RoutingRow[] {
  return parseRoutingData(readFileSync(path, "utf8"), path);
}

/** A row that scores at least one of the two models (logged traffic: one model answered). */
export interface ScoredRow {
  prompt: string;
  strong?: number;
  weak?: number;
}

export function isPaired(row: ScoredRow): row is PairedRow {
  return row.strong !== undefined && row.weak !== undefined;
}

/**
 * Keeps rows that score either model; at least one row must score both (the evaluation needs them).
 * Says which models the data has when none does.
 */
export function scoredRows(rows: RoutingRow[], strong: string, weak: string, source = "data"): ScoredRow[] {
  const kept: ScoredRow[] = [];
  for (const row of rows) {
    const strongScore = row.scores[strong];
    const weakScore = row.scores[weak];
    if (strongScore === undefined && weakScore === undefined) continue;
    kept.push({ prompt: row.prompt, ...(strongScore === undefined ? {} : { strong: strongScore }), ...(weakScore === undefined ? {} : { weak: weakScore }) });
  }
  if (!kept.some(isPaired)) {
    const models = [...new Set(rows.flatMap((row) => Object.keys(row.scores)))];
    throw new SwitchyardError(
      "SWY_ERR_INVALID_REQUEST",
      `${source}: no row scores both '${strong}' and '${weak}' (models in the data: ${models.join(", ") || "none"})`,
    );
  }
  return kept;
}

/** Keeps rows that score both models. */
export function pairRows(rows: RoutingRow[], strong: string, weak: string, source = "data"): PairedRow[] {
  return scoredRows(rows, strong, weak, source).filter(isPaired);
}

/** A deterministic shuffle (mulberry32), so splits and folds are reproducible from a seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
