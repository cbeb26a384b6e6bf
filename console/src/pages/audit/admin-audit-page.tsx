import { useEffect, useId, useState, type FormEvent } from "react";
import { getJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { isoFromLocal, shortTime } from "./time-filter";
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

/** Every mutating admin call (`GET /admin/audit`): who, what, when, and the state before and after. */
export function AdminAuditPage() {
  const id = useId();
  const [draft, setDraft] = useState(EMPTY);
  const [filters, setFilters] = useState(EMPTY);
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const query = new URLSearchParams({ limit: "200" });
    if (filters.key_id.trim()) query.set("key_id", filters.key_id.trim());
    const since = isoFromLocal(filters.since);
    if (since) query.set("since", since);
    setError(undefined);
    getJson<{ data: AuditEntry[] }>(`/admin/audit?${query}`).then((answer) => setEntries(answer.data), setError);
  }, [filters]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const field = (name: keyof typeof EMPTY) => ({ id: `${id}-${name}`, name, value: draft[name], onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }) });

  return (
    <section className="manage">
      <h1>Admin audit log</h1>
      <p className="muted">Every call that changed something through the admin API, refused ones too. Secrets are stored as [redacted].</p>
      <form className="form-row filters" onSubmit={submit} aria-label="Filter the audit log">
        <label htmlFor={`${id}-key_id`}>
          Key id
          <input {...field("key_id")} placeholder="master, or a key id" />
        </label>
        <label htmlFor={`${id}-since`}>
          Since
          <input type="datetime-local" {...field("since")} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={error} />
      {entries && entries.length === 0 && <p className="muted">No admin changes recorded.</p>}
      {entries && entries.length > 0 && (
        <table data-testid="admin-audit">
          <caption className="visually-hidden">Admin calls, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Key</th>
              <th scope="col">Call</th>
              <th scope="col">Status</th>
              <th scope="col">Project</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{shortTime(entry.at)}</td>
                <td className="mono">{entry.key_id}</td>
                <td className="mono">
                  {entry.method} {entry.path}
                </td>
                <td>
                  <span className={entry.status < 400 ? "badge active" : "badge revoked"}>{entry.status}</span>
                </td>
                <td className="mono details">{entry.project_id ?? "all"}</td>
                <td>
                  {entry.before !== null || entry.after !== null ? (
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
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
