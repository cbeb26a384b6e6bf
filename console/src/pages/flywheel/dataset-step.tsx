import { useState, type FormEvent } from "react";
import { ApiError, postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { logQueryBody, type BuiltDataset, type DatasetCounts, type FlywheelScope } from "./flywheel-types";
import { StepCard } from "./step-card";

function CountsList({ counts }: { counts: DatasetCounts }) {
  const pii = Object.entries(counts.pii_categories ?? {})
    .map(([category, count]) => `${category} ${count}`)
    .join(", ");
  return (
    <dl className="facts" data-testid="dataset-counts">
      <dt>Matched</dt>
      <dd>{counts.matched}</dd>
      <dt>Left out</dt>
      <dd>
        {counts.unusable} unusable, {counts.duplicates} duplicates, {counts.pii_dropped} with personal data{pii && ` (${pii})`}
      </dd>
      <dt>Kept</dt>
      <dd>
        {counts.kept}
        {counts.truncated && " (cut at max rows)"}: {counts.train} training, {counts.validation} held out
      </dd>
    </dl>
  );
}

/** Step 2: `POST /admin/datasets/from-logs` with the page's query; the refusal's counts are shown beside its message. */
export function DatasetStep(props: { scope: FlywheelScope; canAct: boolean; dataset: BuiltDataset | undefined; onBuilt: (dataset: BuiltDataset) => void }) {
  const { scope, canAct, dataset } = props;
  const [name, setName] = useState("flywheel");
  const [onPii, setOnPii] = useState<"drop" | "refuse">("drop");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const refusedCounts = error instanceof ApiError ? (error.detail?.counts as DatasetCounts | undefined) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    const body = { ...logQueryBody(scope), name, on_pii: onPii, ...(scope.global ? { project_id: scope.projectId } : {}) };
    postJson<BuiltDataset>("/admin/datasets/from-logs", body)
      .then(props.onBuilt, setError)
      .finally(() => setBusy(false));
  };

  return (
    <StepCard
      number={2}
      id="dataset"
      title="Dataset"
      what="The matching requests as chat examples: deduplicated, re-checked for personal data, split into training and held-out parts with the seed, stored as the project's /v1/files."
      state={dataset ? `${dataset.counts.kept} examples` : "not built"}
    >
      {dataset && (
        <>
          <CountsList counts={dataset.counts} />
          <p className="details">
            Training file <span className="mono" data-testid="training-file">{dataset.training_file}</span>
            {dataset.validation_file && (
              <>
                , held-out file <span className="mono">{dataset.validation_file}</span>
              </>
            )}
          </p>
        </>
      )}
      {canAct ? (
        <form onSubmit={submit} aria-label="Build a dataset">
          <div className="field-grid">
            <label>
              File name stem
              <input name="dataset_name" value={name} onChange={(event) => setName(event.target.value)} />
            </label>
            <label>
              Examples with personal data
              <select name="on_pii" value={onPii} onChange={(event) => setOnPii(event.target.value as "drop" | "refuse")}>
                <option value="drop">leave them out</option>
                <option value="refuse">store nothing</option>
              </select>
            </label>
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>
              Build dataset from the log
            </button>
          </div>
        </form>
      ) : (
        <p className="muted">Read-only: an admin key builds datasets.</p>
      )}
      <ErrorNote error={error} />
      {refusedCounts && <CountsList counts={refusedCounts} />}
    </StepCard>
  );
}
