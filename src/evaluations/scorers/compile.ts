import { SwitchyardError } from "../../core/errors.js";
import type { Scorer } from "../types.js";
import { exactMatch, jsonSchemaValid, regexMatch, type ScoreFunction } from "./deterministic.js";

export type CompiledScorer =
  | { name: string; kind: "deterministic"; needsReference: boolean; score: ScoreFunction }
  | { name: string; kind: "absolute"; model: string; rubric?: string }
  | { name: string; kind: "pairwise"; model: string; rubric?: string };

/**
 * Checks and compiles a spec's scorers before anything runs: a regex that does not compile or a
 * schema that cannot be read is a 400 naming it. Each gets a unique name (its own, or its type,
 * numbered when repeated), which is the key of its scores in results and summaries.
 */
export function compileScorers(scorers: readonly Scorer[]): CompiledScorer[] {
  const taken = new Map<string, number>();
  return scorers.map((scorer, index) => {
    const param = `scorers[${index}]`;
    const base = scorer.name ?? (scorer.type === "llm_judge" ? `llm_judge_${scorer.mode}` : scorer.type);
    const seen = taken.get(base) ?? 0;
    taken.set(base, seen + 1);
    if (scorer.name !== undefined && seen > 0) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for '${param}.name': '${scorer.name}' names two scorers.`, { param: `${param}.name` });
    const name = seen === 0 ? base : `${base}_${seen + 1}`;
    switch (scorer.type) {
      case "exact_match":
        return { name, kind: "deterministic", needsReference: true, score: exactMatch(scorer) };
      case "regex":
        return { name, kind: "deterministic", needsReference: false, score: regexMatch(scorer, `${param}.pattern`) };
      case "json_schema":
        return { name, kind: "deterministic", needsReference: false, score: jsonSchemaValid(scorer, `${param}.schema`) };
      case "llm_judge":
        return { name, kind: scorer.mode, model: scorer.model, ...(scorer.rubric === undefined ? {} : { rubric: scorer.rubric }) };
    }
  });
}
