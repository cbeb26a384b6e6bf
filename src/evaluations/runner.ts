import { toSwitchyardError } from "../core/errors.js";
import { createId } from "../core/ids.js";
import type { Principal } from "../gateway/context.js";
import type { Logger } from "../observability/logger.js";
import type { PreparedRow } from "./dataset.js";
import { Limiter } from "./limiter.js";
import { callModel, type CallOutcome } from "./model-call.js";
import { prepareEvaluation, type PrepareDeps, type PreparedEvaluation } from "./prepare.js";
import { judgeAbsolute, judgePairwise, type JudgeCall, type JudgeCost } from "./scorers/judge.js";
import { isFinal, type EvaluationStore } from "./store.js";
import { summarize } from "./summary.js";
import type { EvaluationRecord, EvaluationResultRow, EvaluationSpec, EvaluationSpecInput, Judgement } from "./types.js";

export interface EvaluationDeps extends PrepareDeps {
  store: EvaluationStore;
  /** Shared by every evaluation of the node: at most this many model and judge calls at once. */
  limiter: Limiter;
  nodeId: string;
  logger: Logger;
  /** Evaluations running on this node, so a cancel reaches their in-flight calls at once. */
  running: Map<string, AbortController>;
  /** How often a running evaluation re-reads its status (a cancel made on another node). */
  statusPollMs?: number;
  /** Set while the area closes: evaluations stopped then end `failed`, not `cancelled`. */
  closing?: boolean;
}

export interface RunOptions {
  /** The key that asked: its budget and model allow-list apply when it belongs to the project. */
  principal?: Principal;
  /** Aborting it cancels the evaluation like `POST /admin/evaluations/{id}/cancel`. */
  signal?: AbortSignal;
}

/** A started evaluation: its first record, and the promise of its final one (never rejects). */
export interface StartedEvaluation {
  record: EvaluationRecord;
  done: Promise<EvaluationRecord>;
}

/**
 * Checks the spec (a SwitchyardError 4xx when it is wrong), stores the evaluation and starts it
 * without waiting: what `POST /admin/evaluations` answers with.
 */
export async function startEvaluation(deps: EvaluationDeps, spec: EvaluationSpecInput | EvaluationSpec, projectId: string, options: RunOptions = {}): Promise<StartedEvaluation> {
  const prepared = await prepareEvaluation(deps, spec, projectId, options.principal);
  const record = await deps.store.create({ id: createId("eval_"), projectId, spec: prepared.spec, createdBy: options.principal?.keyId ?? "evaluation", nodeId: deps.nodeId, total: prepared.totalCalls });
  const controller = new AbortController();
  deps.running.set(record.id, controller);
  options.signal?.addEventListener("abort", () => void cancelEvaluation(deps, record.id), { once: true });
  const done = execute(deps, record.id, projectId, prepared, controller)
    .catch(async (caught: unknown) => {
      const error = toSwitchyardError(caught);
      deps.logger.error({ err: caught, evaluation: record.id }, "evaluation failed");
      await deps.store.finish(record.id, { status: "failed", summary: null, done: 0, error: { code: error.code, message: error.message } }).catch(() => undefined);
    })
    .then(async () => (await deps.store.get(record.id)) ?? { ...record, status: "failed" as const })
    .finally(() => deps.running.delete(record.id));
  return { record, done };
}

/**
 * Runs an evaluation to its end and returns the final record (status `completed`, `cancelled` or
 * `failed`); a spec that is wrong throws before anything is stored. The awaitable form for other
 * areas (the promotion engine); the HTTP route runs the same thing in the background.
 */
export async function runEvaluation(deps: EvaluationDeps, spec: EvaluationSpecInput | EvaluationSpec, projectId: string, options: RunOptions = {}): Promise<EvaluationRecord> {
  return (await startEvaluation(deps, spec, projectId, options)).done;
}

/** Marks it cancelled and aborts its calls on this node (other nodes see the status within a poll). */
export async function cancelEvaluation(deps: Pick<EvaluationDeps, "store" | "running">, id: string): Promise<boolean> {
  const changed = await deps.store.requestCancel(id);
  deps.running.get(id)?.abort();
  return changed;
}

async function execute(deps: EvaluationDeps, id: string, projectId: string, prepared: PreparedEvaluation, controller: AbortController): Promise<void> {
  const { spec, rows, scorers, baseline } = prepared;
  const signal = controller.signal;
  await deps.store.markRunning(id);
  let done = 0;
  const results: EvaluationResultRow[] = [];
  const judgeCost: JudgeCost = { calls: 0, errors: 0, costUsd: 0 };
  const tick = () => void done++;
  const call = (model: string, messages: PreparedRow["messages"], judge: boolean): Promise<CallOutcome> =>
    deps.limiter.run(() =>
      callModel({
        gateway: deps.gateway,
        principal: prepared.principal,
        evaluationId: id,
        model,
        messages,
        temperature: judge ? 0 : spec.parameters?.temperature,
        maxOutputTokens: judge ? undefined : spec.parameters?.max_tokens,
        signal,
      }),
    );
  const judgeCall: JudgeCall = async (model, messages) => {
    const outcome = await call(model, messages, true);
    tick();
    return outcome;
  };

  // Progress and cancels from other nodes are exchanged with the database about once a second.
  const poll = setInterval(() => {
    void (async () => {
      const status = await deps.store.status(id).catch(() => undefined);
      if (status === undefined || isFinal(status)) controller.abort();
      else await deps.store.progress(id, done).catch(() => undefined);
    })();
  }, deps.statusPollMs ?? 1000);
  poll.unref();

  const runRow = async (row: PreparedRow): Promise<EvaluationResultRow[]> => {
    const outcomes = await Promise.all(
      spec.models.map(async (model) => {
        const outcome = await call(model, row.messages, false);
        tick();
        return outcome;
      }),
    );
    if (signal.aborted) return [];
    const byModel = new Map(spec.models.map((model, index) => [model, outcomes[index]!]));
    return Promise.all(spec.models.map((model) => scoreAnswer(row, model, byModel)));
  };

  const scoreAnswer = async (row: PreparedRow, model: string, byModel: Map<string, CallOutcome>): Promise<EvaluationResultRow> => {
    const outcome = byModel.get(model)!;
    const scores: Record<string, number | null> = {};
    const judgements: Judgement[] = [];
    const wins: number[] = [];
    for (const scorer of scorers) {
      if (scorer.kind === "deterministic") {
        scores[scorer.name] = outcome.text === null ? null : scorer.score(outcome.text, row.reference);
      } else if (scorer.kind === "absolute") {
        if (outcome.text === null) {
          tick();
          scores[scorer.name] = null;
          continue;
        }
        const judged = await judgeAbsolute(judgeCall, judgeCost, scorer, row, outcome.text);
        scores[scorer.name] = judged.value;
        judgements.push(judged.judgement);
      } else if (model !== baseline) {
        const reference = byModel.get(baseline!)!;
        if (outcome.text === null || reference.text === null) {
          done += 2;
          // A candidate that failed loses; a baseline that failed leaves nothing to compare.
          if (outcome.text === null && reference.text !== null) wins.push(0);
          continue;
        }
        const judged = await judgePairwise(judgeCall, judgeCost, scorer, row, outcome.text, reference.text);
        if (judged.value !== null) wins.push(judged.value);
        judgements.push(judged.judgement);
      }
    }
    const absolute = scorers.filter((scorer) => scorer.kind !== "pairwise").flatMap((scorer) => (typeof scores[scorer.name] === "number" ? [scores[scorer.name]!] : []));
    const win = wins.length === 0 ? null : wins.reduce((sum, value) => sum + value, 0) / wins.length;
    const hasAbsolute = scorers.some((scorer) => scorer.kind !== "pairwise");
    // A failed call scores 0: an unreliable model must not look better by failing its hard rows.
    let quality: number | null;
    if (outcome.error !== null) quality = 0;
    else if (hasAbsolute) quality = absolute.length === 0 ? null : absolute.reduce((sum, value) => sum + value, 0) / absolute.length;
    else quality = model === baseline ? 0.5 : win;
    return {
      row: row.index,
      model,
      request_id: outcome.requestId,
      output: outcome.text,
      error: outcome.error,
      latency_ms: outcome.latencyMs,
      cost_usd: outcome.costUsd,
      input_tokens: outcome.inputTokens,
      output_tokens: outcome.outputTokens,
      scores,
      quality,
      win: model === baseline ? null : win,
      judgements,
    };
  };

  // Row workers as many as calls may run at once; each row's calls still go through the limiter.
  let next = 0;
  const worker = async () => {
    while (!signal.aborted && next < rows.length) {
      const row = rows[next++]!;
      const scored = await runRow(row);
      if (signal.aborted) return;
      results.push(...scored);
      await deps.store.saveResults(id, projectId, scored);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(deps.limiter.max, rows.length) }, worker));
  } finally {
    clearInterval(poll);
  }
  const rowsDone = new Set(results.map((result) => result.row)).size;
  const summary = summarize({
    results,
    models: spec.models,
    absoluteScorers: scorers.filter((scorer) => scorer.kind !== "pairwise").map((scorer) => scorer.name),
    ...(baseline === undefined ? {} : { baseline }),
    pairwise: scorers.some((scorer) => scorer.kind === "pairwise"),
    rows: rowsDone,
    confidence: spec.confidence,
    seed: spec.seed,
    judge: { calls: judgeCost.calls, errors: judgeCost.errors, cost_usd: judgeCost.costUsd },
  });
  if (signal.aborted && deps.closing) {
    await deps.store.finish(id, { status: "failed", summary, done, error: { code: "SWY_ERR_INTERNAL", message: "The server stopped while this evaluation ran; start it again." } });
  } else {
    await deps.store.finish(id, { status: signal.aborted ? "cancelled" : "completed", summary, done });
  }
}
