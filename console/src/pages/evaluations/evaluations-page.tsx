import { useEffect, useState } from "react";
import { getJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import type { PageProps } from "../../page-list";
import { EvaluationDetail } from "./evaluation-detail";
import { EvaluationForm } from "./evaluation-form";
import { isRunning, percent, type EvaluationRecord } from "./evaluation-types";

/** Evaluations (admin keys): the list, a form to start one, and `#evaluations/<id>` for one's results. */
export function EvaluationsPage({ subpath }: PageProps) {
  const [records, setRecords] = useState<EvaluationRecord[]>([]);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (subpath !== "") return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      getJson<{ data: EvaluationRecord[] }>("/admin/evaluations?limit=50").then((page) => {
        if (!current) return;
        setRecords(page.data);
        // Progress of running ones refreshes on its own.
        if (page.data.some(isRunning)) timer = setTimeout(() => void load(), 1500);
      }, setError);
    void load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [subpath]);

  if (subpath !== "") {
    return (
      <section>
        <h1>Evaluations</h1>
        <EvaluationDetail id={subpath} />
      </section>
    );
  }

  return (
    <section>
      <h1>Evaluations</h1>
      <p className="muted">Run a dataset through two or more models and compare quality, win rate, cost and latency side by side (docs/evaluations.md).</p>
      <ErrorNote error={error} />
      <table data-testid="evaluations-table">
        <caption>Newest first</caption>
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">status</th>
            <th scope="col">models</th>
            <th scope="col">best quality</th>
            <th scope="col">created</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => {
            const best = record.summary?.models.reduce((top, model) => (model.quality.mean > top.quality.mean ? model : top));
            return (
              <tr key={record.id}>
                <td>
                  <a href={`#evaluations/${encodeURIComponent(record.id)}`}>{record.name ?? record.id}</a>
                </td>
                <td>
                  {record.status}
                  {isRunning(record) && ` (${record.progress.done}/${record.progress.total})`}
                </td>
                <td>{record.spec.models.join(", ")}</td>
                <td>{best ? `${best.model} ${percent(best.quality.mean)}` : ""}</td>
                <td className="mono">{new Date(record.created_at * 1000).toLocaleString()}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {records.length === 0 && !error && <p className="muted">No evaluations yet.</p>}
      <EvaluationForm onStarted={(record) => (location.hash = `#evaluations/${encodeURIComponent(record.id)}`)} />
    </section>
  );
}
