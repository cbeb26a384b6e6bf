import { SwitchyardError, toSwitchyardError } from "../core/errors.js";
import type { Principal } from "../gateway/context.js";
import type { Gateway } from "../gateway/gateway.js";
import { parseBody } from "../http/parse-body.js";
import { loadRows, type PreparedRow, type ReadFile } from "./dataset.js";
import { compileScorers, type CompiledScorer } from "./scorers/compile.js";
import { evaluationSpecSchema, type EvaluationSpec, type EvaluationSpecInput } from "./types.js";

/** An evaluation checked and ready: nothing has been called yet. */
export interface PreparedEvaluation {
  spec: EvaluationSpec;
  rows: PreparedRow[];
  scorers: CompiledScorer[];
  baseline?: string;
  principal: Principal;
  /** Every call it will make: model answers plus judge verdicts. */
  totalCalls: number;
}

export interface PrepareDeps {
  gateway: Gateway;
  readFile: ReadFile;
  /** True for a deployment name this caller may call (the gateway maps it to its model when called). */
  isDeployment: (name: string, principal: Principal) => boolean;
  /** Whether a project exists ("default", the master key's own, always does); absent: not checked. */
  projectExists?: (projectId: string) => Promise<boolean>;
}

/**
 * The principal evaluation calls run as: the project key that started it (its budget and model
 * allow-list apply), else the project itself under the key id `evaluation`, which sees that
 * project's own models (fine-tunes) and no other project's.
 */
export function evaluationPrincipal(projectId: string, caller: Principal | undefined): Principal {
  if (caller && caller.projectId !== undefined && caller.projectId === projectId) return caller;
  return { keyId: "evaluation", ...(projectId === "default" ? {} : { projectId }), role: "member", metadata: { evaluation: true } };
}

/** Validates a spec against the project: its rows, scorers and every model named (404 for one it cannot call). */
export async function prepareEvaluation(deps: PrepareDeps, input: EvaluationSpecInput | EvaluationSpec, projectId: string, caller?: Principal): Promise<PreparedEvaluation> {
  if (projectId !== "default" && deps.projectExists && !(await deps.projectExists(projectId))) {
    throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No project with id '${projectId}'.`, { param: "project_id" });
  }
  const spec = parseBody(evaluationSpecSchema, input);
  const scorers = compileScorers(spec.scorers);
  const principal = evaluationPrincipal(projectId, caller);
  spec.models.forEach((model, index) => checkModel(deps, model, principal, `models[${index}]`));
  spec.scorers.forEach((scorer, index) => {
    if (scorer.type === "llm_judge") checkModel(deps, scorer.model, principal, `scorers[${index}].model`);
  });
  const pairwise = scorers.some((scorer) => scorer.kind === "pairwise");
  let baseline = spec.baseline;
  if (baseline !== undefined && !spec.models.includes(baseline)) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for 'baseline': '${baseline}' is not one of 'models'.`, { param: "baseline" });
  }
  if (pairwise) {
    if (spec.models.length < 2) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "A pairwise judge compares models with a baseline: give at least two models.", { param: "models" });
    baseline ??= spec.models[0];
  }
  const rows = await loadRows(spec, projectId, deps.readFile);
  for (const scorer of scorers) {
    if (scorer.kind !== "deterministic" || !scorer.needsReference) continue;
    const missing = rows.find((row) => row.reference === undefined);
    if (missing) {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The scorer '${scorer.name}' compares with a reference, and dataset row ${missing.index} has none (give 'reference' or a final assistant message).`, {
        param: "dataset",
      });
    }
  }
  const models = spec.models.length;
  const absoluteJudges = scorers.filter((scorer) => scorer.kind === "absolute").length;
  const pairwiseJudges = scorers.filter((scorer) => scorer.kind === "pairwise").length;
  const totalCalls = rows.length * (models + absoluteJudges * models + pairwiseJudges * (models - 1) * 2);
  return { spec, rows, scorers, ...(baseline === undefined ? {} : { baseline }), principal, totalCalls };
}

function checkModel(deps: PrepareDeps, model: string, principal: Principal, param: string): void {
  if (deps.isDeployment(model, principal)) return;
  try {
    deps.gateway.resolveModel(model, principal);
  } catch (caught) {
    const error = toSwitchyardError(caught);
    throw new SwitchyardError(error.code, `Invalid value for '${param}': ${error.message}`, { param });
  }
}
