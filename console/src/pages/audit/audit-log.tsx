/**
 * What the audit pages share: filters typed into a draft and applied on submit (always with a "Since"
 * time), the newest 200 entries those filters fetch, and the table the entries fill.
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from "react";
import { getJson } from "../../api";
import { isoFromLocal } from "./time-filter";

export type AuditFilters = Record<string, string> & { since: string };

export interface AuditLog<Entry, Filters extends AuditFilters> {
  /** Prefix of the filter fields' ids. */
  id: string;
  /** Props of the input or select bound to one filter of the draft. */
  field(name: keyof Filters & string): { id: string; name: string; value: string; onChange(event: { target: { value: string } }): void };
  submit(event: FormEvent): void;
  entries: Entry[] | undefined;
  error: unknown;
}

/** The entries at `path` for the filters last submitted: an empty filter is not sent, `since` goes as an ISO instant. */
export function useAuditLog<Entry, Filters extends AuditFilters>(path: string, empty: Filters): AuditLog<Entry, Filters> {
  const id = useId();
  const [draft, setDraft] = useState(empty);
  const [filters, setFilters] = useState(empty);
  const [entries, setEntries] = useState<Entry[]>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const query = new URLSearchParams({ limit: "200" });
    for (const [name, value] of Object.entries(filters)) {
      const sent = name === "since" ? isoFromLocal(value) : value.trim();
      if (sent) query.set(name, sent);
    }
    setError(undefined);
    getJson<{ data: Entry[] }>(`${path}?${query}`).then((answer) => setEntries(answer.data), setError);
  }, [path, filters]);

  return {
    id,
    field: (name) => ({ id: `${id}-${name}`, name, value: draft[name] ?? "", onChange: (event) => setDraft({ ...draft, [name]: event.target.value }) }),
    submit: (event) => {
      event.preventDefault();
      setFilters(draft);
    },
    entries,
    error,
  };
}

/** The filter form: the page's own fields, then "Since" and the submit button. */
export function AuditFilterForm<Filters extends AuditFilters>({ log, label, children }: { log: AuditLog<unknown, Filters>; label: string; children: ReactNode }) {
  return (
    <form className="form-row filters" onSubmit={log.submit} aria-label={label}>
      {children}
      <label htmlFor={`${log.id}-since`}>
        Since
        <input type="datetime-local" {...log.field("since")} />
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}

/** The entries as a table, newest first, one row each; a note when there are none; nothing before they arrive. */
export function AuditTable<Entry extends { id: string }>(props: {
  testId: string;
  caption: string;
  columns: readonly string[];
  entries: Entry[] | undefined;
  none: string;
  cells(entry: Entry): ReactNode;
}) {
  const { entries } = props;
  if (!entries) return null;
  if (entries.length === 0) return <p className="muted">{props.none}</p>;
  return (
    <table data-testid={props.testId}>
      <caption className="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.id}>{props.cells(entry)}</tr>
        ))}
      </tbody>
    </table>
  );
}
