import { useEffect, useState, type FormEvent } from "react";
import { getJson, postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { finished, type Job } from "../fine-tuning/fine-tuning-types";
import type { BuiltDataset, FlywheelScope } from "./flywheel-types";
import { StepCard } from "./step-card";
import { usePolled } from "./use-polled";

/** Step 3: a fine-tuning job on the dataset (`POST /v1/fine_tuning/jobs`), followed until it ends. */
export function FineTuneStep(props: { scope: FlywheelScope; canAct: boolean; ownProject: boolean; dataset: BuiltDataset | undefined; models: string[]; jobId: string | undefined; onJob: (job: Job) => void }) {
  const { scope, canAct, ownProject, dataset, models, jobId } = props;
  const [base, setBase] = useState("");
  const [epochs, setEpochs] = useState("3");
  const [rate, setRate] = useState("1");
  const [suffix, setSuffix] = useState("flywheel");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const polled = usePolled<Job>(jobId === undefined ? undefined : `/v1/fine_tuning/jobs/${encodeURIComponent(jobId)}`, (job) => !finished(job.status), 1500);
  const job = polled.value;
  const { onJob } = props;

  // Local models are the ones worth tuning here: they come first.
  useEffect(() => {
    if (base === "" && models.length > 0) setBase(models.find((name) => name.startsWith("local/")) ?? models[0]!);
  }, [models, base]);
  useEffect(() => {
    if (job) onJob(job);
  }, [job, onJob]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dataset) return;
    setError(undefined);
    setBusy(true);
    const body = {
      model: base,
      training_file: dataset.training_file,
      ...(dataset.validation_file ? { validation_file: dataset.validation_file } : {}),
      hyperparameters: { n_epochs: Number(epochs), learning_rate_multiplier: Number(rate) },
      seed: scope.seed,
      ...(suffix.trim() === "" ? {} : { suffix: suffix.trim() }),
    };
    postJson<Job>("/v1/fine_tuning/jobs", body)
      .then(onJob, setError)
      .finally(() => setBusy(false));
  };

  const last = job?.metrics.at(-1);
  const first = job?.metrics[0];
  return (
    <StepCard number={3} id="fine-tune" title="Fine-tune" what="A smaller model trained on the dataset's training part, the held-out part as validation (docs/customization.md)." state={job ? job.status : "no job"}>
      {job && (
        <dl className="facts" data-testid="job-facts">
          <dt>Job</dt>
          <dd>
            <a href={`#data/${encodeURIComponent(job.id)}`}>{job.id}</a> · {job.model} · {job.backend}
          </dd>
          <dt>Progress</dt>
          <dd>
            <progress value={last?.step ?? 0} max={Math.max(1, last?.total_steps ?? 1)} aria-label="training steps done" /> step {last?.step ?? 0}
            {last?.total_steps ? ` of ${last.total_steps}` : ""}
          </dd>
          <dt>Loss</dt>
          <dd data-testid="job-loss">
            {last ? `training ${first!.train_loss.toFixed(3)} → ${last.train_loss.toFixed(3)}${last.valid_loss !== undefined ? `, held out ${last.valid_loss.toFixed(3)}` : ""}` : "not yet"}
          </dd>
          <dt>Model</dt>
          <dd className="mono" data-testid="fine-tuned-model">
            {job.fine_tuned_model ?? "when it succeeds"}
          </dd>
        </dl>
      )}
      {job?.error && <p className="error">{job.error.message}</p>}
      {!ownProject && <p className="hint">Fine-tuning jobs and files belong to the key&apos;s own project: the master key&apos;s are project default&apos;s. To tune on this project&apos;s dataset, use an admin key of the project.</p>}
      {canAct && ownProject && (
        <form onSubmit={submit} aria-label="Start fine-tuning">
          <div className="field-grid">
            <label>
              Base model
              <select name="base_model" value={base} onChange={(event) => setBase(event.target.value)}>
                {models.map((name) => (
                  <option key={name}>{name}</option>
                ))}
              </select>
            </label>
            <label>
              Epochs
              <input name="epochs" type="number" min="1" max="50" value={epochs} onChange={(event) => setEpochs(event.target.value)} />
            </label>
            <label>
              Learning-rate multiplier
              <input name="learning_rate" type="number" min="0.01" step="any" value={rate} onChange={(event) => setRate(event.target.value)} />
            </label>
            <label>
              Name suffix
              <input name="suffix" value={suffix} onChange={(event) => setSuffix(event.target.value)} />
            </label>
          </div>
          <div className="actions">
            <button type="submit" disabled={busy || !dataset || base === "" || (job !== undefined && !finished(job.status))}>
              Start fine-tuning
            </button>
          </div>
        </form>
      )}
      {canAct && ownProject && !dataset && <p className="hint">Build the dataset first.</p>}
      <ErrorNote error={error ?? polled.error} />
    </StepCard>
  );
}

/** The project's newest job trained on this file, for a page opened after the job was started. */
export async function latestJobFor(trainingFile: string | undefined): Promise<Job | undefined> {
  const list = await getJson<{ data: Job[] }>("/v1/fine_tuning/jobs?limit=50");
  return list.data.find((job) => trainingFile === undefined || job.training_file === trainingFile);
}
