import { lazy, Suspense, useEffect, useState } from "react";
import { getJson, postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { savePlaygroundDraft } from "../../playground-draft";
import { clock, duration, finished, type Checkpoint, type Job, type JobEvent } from "./fine-tuning-types";

// chart.js loads with the first job detail, not with the console.
const LossChart = lazy(() => import("./loss-chart").then((module) => ({ default: module.LossChart })));

const POLL_MS = 1500;
const COMPARE_PROMPT = "Once upon a time";

/** Opens the playground with the base model and a fine-tuned one side by side. */
function compareInPlayground(base: string, tuned: string) {
  savePlaygroundDraft({ model: tuned, compare: base, system: "", prompt: COMPARE_PROMPT });
  location.hash = "playground";
}

/** One job: status and settings, the live loss curve, events and checkpoints; polled until it ends. */
export function JobDetail(props: { jobId: string; onChanged: () => void }) {
  const [job, setJob] = useState<Job>();
  const [events, setEvents] = useState<JobEvent[]>([]);
  const [checkpoints, setCheckpoints] = useState<Checkpoint[]>([]);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const path = `/v1/fine_tuning/jobs/${encodeURIComponent(props.jobId)}`;
    const load = async () => {
      const [next, eventList, checkpointList] = await Promise.all([
        getJson<Job>(path),
        getJson<{ data: JobEvent[] }>(`${path}/events?limit=100`),
        getJson<{ data: Checkpoint[] }>(`${path}/checkpoints?limit=100`),
      ]);
      if (stopped) return;
      setJob(next);
      setEvents(eventList.data);
      setCheckpoints(checkpointList.data);
      if (!finished(next.status)) timer = setTimeout(() => void load().catch(setError), POLL_MS);
      else props.onChanged();
    };
    load().catch(setError);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // onChanged is the parent's list refresh; a new function identity must not restart the polling.
  }, [props.jobId]);

  const cancel = async () => {
    try {
      setJob(await postJson<Job>(`/v1/fine_tuning/jobs/${encodeURIComponent(props.jobId)}/cancel`, {}));
      props.onChanged();
    } catch (failure) {
      setError(failure);
    }
  };

  if (!job) return <ErrorNote error={error} />;
  const latest = job.metrics.at(-1);
  return (
    <section className="panel" aria-labelledby="job-title" data-testid="job-detail">
      <div className="section-head">
        <h2 id="job-title">
          Job <span className="mono">{job.id}</span> <span className={`badge status-${job.status}`}>{job.status}</span>
        </h2>
        {!finished(job.status) && (
          <button type="button" className="danger" onClick={() => void cancel()}>
            Cancel job
          </button>
        )}
        {job.fine_tuned_model && (
          <button type="button" onClick={() => compareInPlayground(job.model, job.fine_tuned_model!)}>
            Compare with base in the playground
          </button>
        )}
      </div>
      <ErrorNote error={error} />
      {job.error && <p className="error">{job.error.message}</p>}
      <dl className="facts stats-grid">
        <dt>Base model</dt>
        <dd className="mono">{job.model}</dd>
        <dt>Fine-tuned model</dt>
        <dd className="mono">{job.fine_tuned_model ?? "when it succeeds"}</dd>
        <dt>Trained by</dt>
        <dd>{job.backend}</dd>
        <dt>Hyperparameters</dt>
        <dd>
          {job.hyperparameters.n_epochs} epochs · learning-rate × {job.hyperparameters.learning_rate_multiplier} · batch {job.hyperparameters.batch_size} · seed {job.seed}
        </dd>
        <dt>Progress</dt>
        <dd>
          {latest ? `step ${latest.step}${latest.total_steps ? ` of ${latest.total_steps}` : ""}, epoch ${latest.epoch}` : "not started"}
          {job.estimated_finish !== null && !finished(job.status) && ` · done in about ${duration(Math.max(0, job.estimated_finish - Date.now() / 1000))}`}
        </dd>
        {job.evaluation && job.evaluation.base_valid_loss !== null && (
          <>
            <dt>Held-out loss</dt>
            <dd>
              base {job.evaluation.base_valid_loss.toFixed(3)} → fine-tuned {job.evaluation.final_valid_loss?.toFixed(3) ?? "…"}
            </dd>
          </>
        )}
      </dl>
      <h3>Loss</h3>
      <Suspense fallback={<p className="muted">Loading the chart…</p>}>
        <LossChart metrics={job.metrics} />
      </Suspense>
      <div className="two-columns">
        <section aria-labelledby="checkpoints-title">
          <h3 id="checkpoints-title">Checkpoints</h3>
          {checkpoints.length === 0 ? (
            <p className="muted">None yet: one is saved after every epoch but the last.</p>
          ) : (
            <table data-testid="checkpoints">
              <caption className="visually-hidden">Checkpoints</caption>
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col">Loss</th>
                  <th scope="col">Model</th>
                  <th scope="col">Try</th>
                </tr>
              </thead>
              <tbody>
                {checkpoints.map((checkpoint) => (
                  <tr key={checkpoint.id}>
                    <td>{checkpoint.step_number}</td>
                    <td>
                      {checkpoint.metrics.train_loss.toFixed(3)}
                      {checkpoint.metrics.valid_loss !== undefined && <span className="details"> · valid {checkpoint.metrics.valid_loss.toFixed(3)}</span>}
                    </td>
                    <td className="mono details">{checkpoint.fine_tuned_model_checkpoint}</td>
                    <td>
                      <button type="button" className="secondary small" onClick={() => compareInPlayground(job.model, checkpoint.fine_tuned_model_checkpoint)} aria-label={`Compare checkpoint at step ${checkpoint.step_number} with base`}>
                        Compare
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section aria-labelledby="events-title">
          <h3 id="events-title">Events</h3>
          <ol className="events" data-testid="events">
            {events.map((event) => (
              <li key={event.id} className={event.level === "error" ? "error" : undefined}>
                <span className="details">{clock(event.created_at)}</span> {event.message}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </section>
  );
}
