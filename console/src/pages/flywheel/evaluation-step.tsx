import { useEffect, useState, type FormEvent } from "react";
import { postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { isRunning, type EvaluationRecord } from "../evaluations/evaluation-types";
import { percent, usdPerRequest, type BuiltDataset, type FlywheelScope } from "./flywheel-types";
import { StepCard } from "./step-card";
import { usePolled } from "./use-polled";

const names = (text: string) =>
  text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");

/** Step 4: the candidate against the teacher (and any other model) on the held-out part, quality with its interval. */
export function EvaluationStep(props: {
  scope: FlywheelScope;
  canAct: boolean;
  dataset: BuiltDataset | undefined;
  candidate: string;
  evaluationId: string | undefined;
  onEvaluation: (record: EvaluationRecord) => void;
}) {
  const { scope, canAct, dataset, evaluationId, onEvaluation } = props;
  const [models, setModels] = useState("");
  const [ignoreCase, setIgnoreCase] = useState(true);
  const [maxTokens, setMaxTokens] = useState("64");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const query = scope.global ? `?project_id=${encodeURIComponent(scope.projectId)}` : "";
  const polled = usePolled<EvaluationRecord>(evaluationId === undefined ? undefined : `/admin/evaluations/${encodeURIComponent(evaluationId)}${query}`, isRunning, 1000);
  const record = polled.value;

  // The candidate (the fine-tuned model when there is one) against the teacher, until the user says otherwise.
  useEffect(() => {
    setModels([props.candidate, scope.model].filter((name) => name.trim() !== "").join(", "));
  }, [props.candidate, scope.model]);

  const heldOutFile = dataset?.validation_file ?? dataset?.training_file;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!heldOutFile) return;
    setError(undefined);
    setBusy(true);
    const body = {
      name: `flywheel: ${names(models).join(" vs ")}`,
      dataset: { file_id: heldOutFile },
      models: names(models),
      scorers: [{ type: "exact_match", ignore_case: ignoreCase }],
      parameters: { temperature: 0, max_tokens: Number(maxTokens) },
      seed: scope.seed,
      ...(scope.global ? { project_id: scope.projectId } : {}),
    };
    postJson<EvaluationRecord>("/admin/evaluations", body)
      .then(onEvaluation, setError)
      .finally(() => setBusy(false));
  };

  const state = record ? (isRunning(record) ? `${record.status} ${record.progress.done}/${record.progress.total}` : record.status) : "not run";
  return (
    <StepCard number={4} id="evaluation" title="Evaluation" what="Every held-out prompt sent to each model, the answer scored against the logged one: quality with a confidence interval, cost per request and latency (docs/evaluations.md)." state={state}>
      {record && (
        <>
          <p className="details">
            <a href={`#evaluations/${encodeURIComponent(record.id)}`}>{record.name ?? record.id}</a>
            {isRunning(record) && (
              <>
                {" "}
                <progress value={record.progress.done} max={Math.max(1, record.progress.total)} aria-label="evaluation calls done" />
              </>
            )}
          </p>
          {record.error && <p className="error">{record.error.message}</p>}
          {record.summary && (
            <table data-testid="evaluation-scores">
              <caption>
                {record.summary.rows} held-out rows; intervals at {Math.round(record.summary.confidence * 100)}% confidence
              </caption>
              <thead>
                <tr>
                  <th scope="col">model</th>
                  <th scope="col">quality</th>
                  <th scope="col" className="number">
                    cost / request
                  </th>
                  <th scope="col" className="number">
                    latency p50
                  </th>
                  <th scope="col" className="number">
                    errors
                  </th>
                </tr>
              </thead>
              <tbody>
                {record.summary.models.map((model) => (
                  <tr key={model.model}>
                    <th scope="row">{model.model}</th>
                    <td>
                      {percent(model.quality.mean)}{" "}
                      <span className="details">
                        ({percent(model.quality.low)}–{percent(model.quality.high)}, {model.quality.method})
                      </span>
                    </td>
                    <td className="number">{usdPerRequest(model.cost.per_request_usd)}</td>
                    <td className="number">{model.latency.p50_ms} ms</td>
                    <td className="number">{model.errors}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {canAct ? (
        <form onSubmit={submit} aria-label="Start an evaluation">
          <div className="field-grid">
            <label>
              Models to compare (comma-separated)
              <input name="evaluation_models" value={models} onChange={(event) => setModels(event.target.value)} />
            </label>
            <label>
              Max tokens per answer
              <input name="max_tokens" type="number" min="1" value={maxTokens} onChange={(event) => setMaxTokens(event.target.value)} />
            </label>
            <label className="inline">
              <input type="checkbox" name="ignore_case" checked={ignoreCase} onChange={(event) => setIgnoreCase(event.target.checked)} /> exact match ignoring case
            </label>
          </div>
          <div className="actions">
            <button type="submit" disabled={busy || !heldOutFile || names(models).length === 0 || (record !== undefined && isRunning(record))}>
              Evaluate on the held-out part
            </button>
          </div>
        </form>
      ) : (
        <p className="muted">Read-only: an admin key starts evaluations.</p>
      )}
      {canAct && !heldOutFile && <p className="hint">Build the dataset first: its held-out part is what is evaluated.</p>}
      <ErrorNote error={error ?? polled.error} />
    </StepCard>
  );
}
