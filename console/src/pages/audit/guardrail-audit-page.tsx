import { ApiError } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { AuditFilterForm, AuditTable, useAuditLog } from "./audit-log";
import { shortTime } from "./time-filter";
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
const COLUMNS = ["Time (UTC)", "Request", "Model", "Direction", "Category", "Action", "Found", "Key"];

/** What the guardrails did (`GET /admin/guardrails/audit`): per request, category and action; never the text itself. */
export function GuardrailAuditPage() {
  const log = useAuditLog<GuardrailEntry, typeof EMPTY>("/admin/guardrails/audit", EMPTY);

  // The route exists only when the config has a guardrails: section.
  if (log.error instanceof ApiError && log.error.status === 404) {
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
      <AuditFilterForm log={log} label="Filter guardrail actions">
        <label htmlFor={`${log.id}-category`}>
          Category
          <input {...log.field("category")} placeholder="e.g. email, prompt_injection" />
        </label>
        <label htmlFor={`${log.id}-action`}>
          Action
          <select {...log.field("action")}>
            <option value="">any</option>
            {actions.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${log.id}-request_id`}>
          Request id
          <input {...log.field("request_id")} />
        </label>
      </AuditFilterForm>
      <ErrorNote error={log.error} />
      <AuditTable
        testId="guardrail-audit"
        caption="Guardrail actions, newest first"
        columns={COLUMNS}
        entries={log.entries}
        none="No guardrail actions match."
        cells={(entry) => (
          <>
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
          </>
        )}
      />
    </section>
  );
}
