import { ErrorNote } from "../../components/error-note";
import { AuditFilterForm, AuditTable, useAuditLog } from "./audit-log";
import { shortTime } from "./time-filter";
import "../manage.css";

interface AuditEntry {
  id: string;
  at: string;
  key_id: string;
  project_id: string | null;
  method: string;
  path: string;
  status: number;
  before: unknown;
  after: unknown;
}

const EMPTY = { key_id: "", since: "" };
const COLUMNS = ["Time (UTC)", "Key", "Call", "Status", "Project", "Change"];

/** Every mutating admin call (`GET /admin/audit`): who, what, when, and the state before and after. */
export function AdminAuditPage() {
  const log = useAuditLog<AuditEntry, typeof EMPTY>("/admin/audit", EMPTY);
  return (
    <section className="manage">
      <h1>Admin audit log</h1>
      <p className="muted">Every call that changed something through the admin API, refused ones too. Secrets are stored as [redacted].</p>
      <AuditFilterForm log={log} label="Filter the audit log">
        <label htmlFor={`${log.id}-key_id`}>
          Key id
          <input {...log.field("key_id")} placeholder="master, or a key id" />
        </label>
      </AuditFilterForm>
      <ErrorNote error={log.error} />
      <AuditTable
        testId="admin-audit"
        caption="Admin calls, newest first"
        columns={COLUMNS}
        entries={log.entries}
        none="No admin changes recorded."
        cells={(entry) => (
          <>
            <td>{shortTime(entry.at)}</td>
            <td className="mono">{entry.key_id}</td>
            <td className="mono">
              {entry.method} {entry.path}
            </td>
            <td>
              <span className={entry.status < 400 ? "badge active" : "badge revoked"}>{entry.status}</span>
            </td>
            <td className="mono details">{entry.project_id ?? "all"}</td>
            <td>{entry.before !== null || entry.after !== null ? <Change entry={entry} /> : <span className="muted">none</span>}</td>
          </>
        )}
      />
    </section>
  );
}

function Change({ entry }: { entry: AuditEntry }) {
  return (
    <details>
      <summary>before / after</summary>
      <div className="diff">
        <div>
          <h4>Before</h4>
          {/* Scrollable, so focusable: keyboard users scroll it with the arrow keys. */}
          <pre tabIndex={0} aria-label={`State before ${entry.method} ${entry.path}`}>
            {entry.before === null ? "—" : JSON.stringify(entry.before, null, 2)}
          </pre>
        </div>
        <div>
          <h4>After</h4>
          <pre tabIndex={0} aria-label={`State after ${entry.method} ${entry.path}`}>
            {entry.after === null ? "—" : JSON.stringify(entry.after, null, 2)}
          </pre>
        </div>
      </div>
    </details>
  );
}
