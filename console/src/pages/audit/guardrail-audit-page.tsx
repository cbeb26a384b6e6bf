import { useEffect, useId, useState, type FormEvent } from "react";
import { ApiError, getJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { isoFromLocal, shortTime } from "./time-filter";
import "../manage.css";

interface GuardrailEntry {
  id: string;
  at: string;
  request_id: string;
  key_id: string;
  project_id: string | null;
  model: string;
  direction: "input" | "output";
  category: string;
  action: string;
  count: number;
  score: number | null;
}

const actions = ["mask", "redact", "block", "score", "route_local"];
const EMPTY = { category: "", action: "", request_id: "", since: "" };

/** What the guardrails did (`GET /admin/guardrails/audit`): per request, category and action; never the text itself. */
export function GuardrailAuditPage() {
  const id = useId();
  const [draft, setDraft] = useState(EMPTY);
  const [filters, setFilters] = useState(EMPTY);
  const [entries, setEntries] = useState<GuardrailEntry[]>();
  const [off, setOff] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const query = new URLSearchParams({ limit: "200" });
    if (filters.category.trim()) query.set("category", filters.category.trim());
    if (filters.action) query.set("action", filters.action);
    if (filters.request_id.trim()) query.set("request_id", filters.request_id.trim());
    const since = isoFromLocal(filters.since);
    if (since) query.set("since", since);
    setError(undefined);
    getJson<{ data: GuardrailEntry[] }>(`/admin/guardrails/audit?${query}`).then(
      (answer) => setEntries(answer.data),
      (failure: unknown) => {
        // The route exists only when the config has a guardrails: section.
        if (failure instanceof ApiError && failure.status === 404) setOff(true);
        else setError(failure);
      },
    );
  }, [filters]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const field = (name: keyof typeof EMPTY) => ({ id: `${id}-${name}`, name, value: draft[name], onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }) });

  if (off) {
    return (
      <section className="manage">
        <h1>Guardrail audit</h1>
        <p>Guardrails are off on this gateway: there is nothing to audit. Add a <span className="mono">guardrails:</span> section to the config file (docs/guardrails.md).</p>
      </section>
    );
  }
  return (
    <section className="manage">
      <h1>Guardrail audit</h1>
      <p className="muted">Each row is one guardrail action on one request: what was found (category, count, score) and what was done. The text itself is never stored here.</p>
      <form className="form-row filters" onSubmit={submit} aria-label="Filter guardrail actions">
        <label htmlFor={`${id}-category`}>
          Category
          <input {...field("category")} placeholder="e.g. email, prompt_injection" />
        </label>
        <label htmlFor={`${id}-action`}>
          Action
          <select {...field("action")}>
            <option value="">any</option>
            {actions.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-request_id`}>
          Request id
          <input {...field("request_id")} />
        </label>
        <label htmlFor={`${id}-since`}>
          Since
          <input type="datetime-local" {...field("since")} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={error} />
      {entries && entries.length === 0 && <p className="muted">No guardrail actions match.</p>}
      {entries && entries.length > 0 && (
        <table data-testid="guardrail-audit">
          <caption className="visually-hidden">Guardrail actions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Request</th>
              <th scope="col">Model</th>
              <th scope="col">Direction</th>
              <th scope="col">Category</th>
              <th scope="col">Action</th>
              <th scope="col">Found</th>
              <th scope="col">Key</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{shortTime(entry.at)}</td>
                <td className="mono details">{entry.request_id}</td>
                <td className="mono">{entry.model}</td>
                <td>{entry.direction}</td>
                <td>{entry.category}</td>
                <td>
                  <span className={`badge action-${entry.action}`}>{entry.action}</span>
                </td>
                <td>
                  {entry.count}
                  {entry.score !== null && <span className="details"> · score {entry.score.toFixed(2)}</span>}
                </td>
                <td className="mono details">{entry.key_id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
