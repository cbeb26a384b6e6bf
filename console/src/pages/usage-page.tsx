import { useEffect, useState } from "react";
import { getJson } from "../api";
import { BarChart } from "../components/bar-chart";
import { ErrorNote } from "../components/error-note";

interface UsageRow {
  /** The grouping dimension (day, model, key_id or project_id) comes back under its own name. */
  [dimension: string]: string | number | null;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

const groupings = ["day", "model", "key", "project", "provider"] as const;

/** The field a grouped row carries its label in. */
function label(row: UsageRow, groupBy: string): string {
  return String(row[groupBy] ?? row[`${groupBy}_id`] ?? "(none)");
}

/** Spend and tokens from the usage ledger, grouped by day, model, key or project. */
export function UsagePage() {
  const [groupBy, setGroupBy] = useState<(typeof groupings)[number]>("day");
  const [rows, setRows] = useState<UsageRow[]>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setError(undefined);
    getJson<{ data: UsageRow[] }>(`/v1/usage?group_by=${groupBy}`).then((result) => setRows(result.data), setError);
  }, [groupBy]);
  return (
    <section>
      <h1>Usage</h1>
      <div className="actions">
        {groupings.map((name) => (
          <button key={name} disabled={name === groupBy} onClick={() => setGroupBy(name)}>
            by {name}
          </button>
        ))}
      </div>
      <ErrorNote error={error} />
      <h2>Spend</h2>
      <BarChart unit="$" bars={rows.map((row) => ({ label: label(row, groupBy), value: row.cost_usd }))} />
      <h2>Tokens</h2>
      <BarChart unit="tokens" bars={rows.map((row) => ({ label: label(row, groupBy), value: row.input_tokens + row.output_tokens }))} />
      <table>
        <thead>
          <tr>
            <th>{groupBy}</th>
            <th>requests</th>
            <th>input tokens</th>
            <th>output tokens</th>
            <th>cost (USD)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={label(row, groupBy)}>
              <td className="mono">{label(row, groupBy)}</td>
              <td>{row.requests}</td>
              <td>{row.input_tokens}</td>
              <td>{row.output_tokens}</td>
              <td>{row.cost_usd.toFixed(6)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
