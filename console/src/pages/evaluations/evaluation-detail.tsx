import { useEffect, useState } from "react";
import { getJson, postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { isRunning, percent, usd, type EvaluationRecord, type ResultRow } from "./evaluation-types";
import { QualityChart } from "./quality-chart";

const interval = (value: { mean: number; low: number; high: number; method: string }) => (
  <>
    {percent(value.mean)}{" "}
    <span className="details">
      ({percent(value.low)}–{percent(value.high)}, {value.method})
    </span>
  </>
);

/** One evaluation: progress while it runs; then per model quality ± interval, win rate, cost, latency, a chart and the rows. */
export function EvaluationDetail({ id }: { id: string }) {
  const [record, setRecord] = useState<EvaluationRecord>();
  const [rows, setRows] = useState<ResultRow[]>([]);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      getJson<EvaluationRecord>(`/admin/evaluations/${encodeURIComponent(id)}`).then((value) => {
        if (!current) return;
        setRecord(value);
        if (isRunning(value)) timer = setTimeout(() => void load(), 1000);
        else void getJson<{ data: ResultRow[] }>(`/admin/evaluations/${encodeURIComponent(id)}/rows?limit=200`).then((page) => current && setRows(page.data), setError);
      }, setError);
    void load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [id]);

  if (!record) return <ErrorNote error={error} />;
  const summary = record.summary;
  const scorerNames = summary ? Object.keys(summary.models[0]?.scores ?? {}) : [];
  const cancel = () => postJson<EvaluationRecord>(`/admin/evaluations/${encodeURIComponent(id)}/cancel`, {}).then(setRecord, setError);

  return (
    <section data-testid="evaluation-detail">
      <p>
        <a href="#evaluations">All evaluations</a>
      </p>
      <h2>{record.name ?? record.id}</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="evaluation-status">{record.status}</dd>
        <dt>Progress</dt>
        <dd>
          <progress value={record.progress.done} max={Math.max(1, record.progress.total)} aria-label="calls done" /> {record.progress.done} / {record.progress.total} calls
        </dd>
        <dt>Models</dt>
        <dd>{record.spec.models.join(", ")}</dd>
        {summary?.baseline && (
          <>
            <dt>Baseline</dt>
            <dd>{summary.baseline}</dd>
          </>
        )}
      </dl>
      {isRunning(record) && (
        <button className="secondary" onClick={() => void cancel()}>
          Cancel
        </button>
      )}
      {record.error && <p className="error">{record.error.message}</p>}
      <ErrorNote error={error} />
      {summary && (
        <>
          <div className="table-scroll">
            <table data-testid="evaluation-summary">
              <caption>
                Per model over {summary.rows} rows; intervals at {Math.round(summary.confidence * 100)}% confidence.
              </caption>
              <thead>
                <tr>
                  <th scope="col">model</th>
                  <th scope="col">quality</th>
                  <th scope="col">win rate vs baseline</th>
                  {scorerNames.map((name) => (
                    <th scope="col" key={name}>
                      {name}
                    </th>
                  ))}
                  <th scope="col" className="number">
                    cost / request
                  </th>
                  <th scope="col" className="number">
                    latency p50 / p90
                  </th>
                  <th scope="col" className="number">
                    errors
                  </th>
                </tr>
              </thead>
              <tbody>
                {summary.models.map((model) => (
                  <tr key={model.model}>
                    <th scope="row">{model.model}</th>
                    <td>{interval(model.quality)}</td>
                    <td>{model.win_rate ? interval(model.win_rate) : <span className="muted">baseline</span>}</td>
                    {scorerNames.map((name) => (
                      <td key={name}>{model.scores[name] ? percent(model.scores[name].mean) : ""}</td>
                    ))}
                    <td className="number">{usd(model.cost.per_request_usd)}</td>
                    <td className="number">
                      {model.latency.p50_ms} / {model.latency.p90_ms} ms
                    </td>
                    <td className="number">{model.errors}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {summary.judge.calls > 0 && (
            <p className="details">
              Judges: {summary.judge.calls} calls, {summary.judge.errors} without a verdict, {usd(summary.judge.cost_usd)}.
            </p>
          )}
          <QualityChart models={summary.models} confidence={summary.confidence} />
          <h3>Rows</h3>
          <div className="table-scroll">
            <table data-testid="evaluation-rows">
              <thead>
                <tr>
                  <th scope="col">row</th>
                  <th scope="col">model</th>
                  <th scope="col">answer</th>
                  <th scope="col" className="number">
                    quality
                  </th>
                  <th scope="col" className="number">
                    win
                  </th>
                  <th scope="col" className="number">
                    latency
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={`${row.row} ${row.model}`}>
                    <td>{row.row}</td>
                    <td>{row.model}</td>
                    <td className={row.error ? "error" : undefined}>{row.error ? row.error.message : row.output}</td>
                    <td className="number">{row.quality === null ? "" : row.quality.toFixed(2)}</td>
                    <td className="number">{row.win === null ? "" : row.win.toFixed(2)}</td>
                    <td className="number">{row.latency_ms} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
