import { useEffect, useState } from "react";
import { getJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { LogDetailPanel } from "./log-detail";
import type { LogFilters, LogSummary } from "./log-types";

const EMPTY: LogFilters = { project_id: "", model: "", status: "", q: "", min_score: "", from: "" };

function queryOf(filters: LogFilters, cursor?: string): string {
  const query = new URLSearchParams({ limit: "50" });
  for (const [name, value] of Object.entries(filters)) {
    if (value.trim() === "") continue;
    // The time filter is a local date-time input; the API takes epoch milliseconds.
    query.set(name, name === "from" ? String(new Date(value).getTime()) : value.trim());
  }
  if (cursor) query.set("cursor", cursor);
  return query.toString();
}

/** The stored request log (admin keys): filters, a table, and one request's detail. */
export function LogsPage() {
  const [draft, setDraft] = useState<LogFilters>(EMPTY);
  const [filters, setFilters] = useState<LogFilters>(EMPTY);
  const [rows, setRows] = useState<LogSummary[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [selected, setSelected] = useState<LogSummary>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    setError(undefined);
    setSelected(undefined);
    getJson<{ data: LogSummary[]; next_cursor: string | null }>(`/admin/logs?${queryOf(filters)}`).then((page) => {
      setRows(page.data);
      setNextCursor(page.next_cursor);
    }, setError);
  }, [filters]);

  const more = () => {
    if (!nextCursor) return;
    getJson<{ data: LogSummary[]; next_cursor: string | null }>(`/admin/logs?${queryOf(filters, nextCursor)}`).then((page) => {
      setRows((current) => [...current, ...page.data]);
      setNextCursor(page.next_cursor);
    }, setError);
  };

  const field = (name: keyof LogFilters, label: string, props: Record<string, string> = {}) => (
    <label>
      {label}
      <input name={name} value={draft[name]} onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} {...props} />
    </label>
  );

  return (
    <section>
      <h1>Logs</h1>
      <p className="muted">Stored requests of projects that turned logging on (docs/logs.md). Text is shown as it left the gateway, masked.</p>
      <form
        className="form-row"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft);
        }}
      >
        {field("q", "Search", { placeholder: "words in request or answer" })}
        {field("model", "Model")}
        {field("project_id", "Project")}
        <label>
          Status
          <select name="status" value={draft.status} onChange={(event) => setDraft({ ...draft, status: event.target.value })}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="error">error</option>
            <option value="aborted">aborted</option>
          </select>
        </label>
        {field("min_score", "Rated at least", { type: "number", min: "0", max: "1", step: "0.1" })}
        {field("from", "Since", { type: "datetime-local" })}
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={error} />
      <table data-testid="logs-table">
        <thead>
          <tr>
            <th>time</th>
            <th>model</th>
            <th>status</th>
            <th>prompt</th>
            <th>tokens</th>
            <th>cost (USD)</th>
            <th>latency</th>
            <th>rating</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className={row.id === selected?.id ? "selected" : undefined} onClick={() => setSelected(row)} style={{ cursor: "pointer" }}>
              <td className="mono">{new Date(row.created_at).toLocaleString()}</td>
              <td>{row.model}</td>
              <td className={row.status === "success" ? "ok" : "error"}>{row.status}</td>
              <td>{row.prompt_preview}</td>
              <td>{row.input_tokens + row.output_tokens}</td>
              <td>{row.cost_usd.toFixed(6)}</td>
              <td>{row.latency_ms} ms</td>
              <td>{row.feedback ? row.feedback.score.toFixed(2) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !error && <p className="muted">No stored requests match.</p>}
      {nextCursor && <button onClick={more}>More</button>}
      {selected && <LogDetailPanel key={selected.id} requestId={selected.request_id} projectId={selected.project_id} unmaskedAvailable={selected.unmasked_available} />}
    </section>
  );
}
