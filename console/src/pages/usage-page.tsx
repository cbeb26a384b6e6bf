import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { allows, useAccess } from "../access";
import { getJson } from "../api";
import { ErrorNote } from "../components/error-note";
import { UsageControls } from "./usage/usage-controls";
import {
  lastDays,
  loadUsage,
  metricLabels,
  periodLabel,
  periodsOf,
  rangeProblem,
  stackedSeries,
  stackLabels,
  totalsBySeries,
  usageCsv,
  type Metric,
  type UsageGroup,
  type UsageQuery,
} from "./usage/usage-data";

// chart.js is loaded with the first chart, so pages without one never download it.
const StackedBarChart = lazy(() => import("../components/stacked-bar-chart").then((module) => ({ default: module.StackedBarChart })));

const formatters: Record<Metric, (value: number) => string> = {
  cost: (value) => (value === 0 ? "$0" : value < 0.01 ? `$${value.toPrecision(2)}` : `$${value.toFixed(2)}`),
  tokens: (value) => value.toLocaleString("en-US"),
  requests: (value) => value.toLocaleString("en-US"),
};

function displayName(key: string, projectNames: Map<string, string> | undefined): string {
  const name = projectNames?.get(key);
  return name ? `${name} (${key})` : key;
}

/** Spend, tokens and requests from the usage ledger over a date range, by day or hour, stacked by model, project or provider. */
export function UsagePage() {
  const access = useAccess();
  const [query, setQuery] = useState<UsageQuery>({ ...lastDays(7), grain: "day", stackBy: "model" });
  const [metric, setMetric] = useState<Metric>("cost");
  const [groups, setGroups] = useState<UsageGroup[]>();
  const [projectNames, setProjectNames] = useState(new Map<string, string>());
  const [error, setError] = useState<unknown>();
  const problem = rangeProblem(query);

  useEffect(() => {
    if (problem) return;
    let current = true;
    setError(undefined);
    loadUsage(query).then(
      (data) => current && setGroups(data),
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [query, problem]);

  // Project ids read better as names where the key may list projects.
  const listsProjects = allows(access, "admin-read");
  useEffect(() => {
    if (!listsProjects) return;
    getJson<{ data: Array<{ id: string; name: string }> }>("/admin/projects").then(
      (list) => setProjectNames(new Map(list.data.map((project) => [project.id, project.name]))),
      () => undefined,
    );
  }, [listsProjects]);

  const shown = groups ?? [];
  const totals = useMemo(() => totalsBySeries(shown, query.stackBy), [shown, query.stackBy]);
  const labels = useMemo(() => periodsOf(query).map((period) => periodLabel(period, query.grain)), [query]);
  const display = (key: string) => displayName(key, query.stackBy === "project" ? projectNames : undefined);
  const series = useMemo(
    () =>
      stackedSeries(shown, query, metric, totals.map((row) => row.key)).map((entry) => ({
        ...entry,
        label: displayName(entry.label, query.stackBy === "project" ? projectNames : undefined),
      })),
    [shown, query, metric, totals, projectNames],
  );
  const grand = totals.reduce((sum, row) => sum + (metric === "cost" ? row.costUsd : metric === "tokens" ? row.inputTokens + row.outputTokens : row.requests), 0);
  const summary = `${metricLabels[metric]} per ${query.grain} from ${query.from} to ${query.to}, stacked by ${stackLabels[query.stackBy]}: ${
    totals.length === 0 ? "no usage" : series.map((entry) => `${entry.label} ${formatters[metric](entry.values.reduce((sum, value) => sum + value, 0))}`).join(", ")
  }.`;

  const exportCsv = () => {
    const blob = new Blob([usageCsv(shown, query)], { type: "text/csv;charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `usage-${query.from}-to-${query.to}-by-${query.grain}-${query.stackBy}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <section className="usage">
      <h1>Usage</h1>
      <UsageControls query={query} metric={metric} onQuery={setQuery} onMetric={setMetric} />
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNote error={error} />
      <div className="actions">
        <button type="button" className="secondary" onClick={exportCsv} disabled={!groups || Boolean(problem)}>
          Export CSV
        </button>
        <p className="muted" aria-live="polite">
          {groups && `${formatters[metric](grand)} in total · ${shown.length} groups · dates in UTC`}
        </p>
      </div>
      <Suspense fallback={<div className="chart-box muted">Loading the chart…</div>}>
        <StackedBarChart labels={labels} series={series} yTitle={metricLabels[metric]} summary={summary} format={formatters[metric]} />
      </Suspense>
      <div className="table-scroll">
        <table data-testid="usage-table">
          <caption>
            Totals by {stackLabels[query.stackBy]}, {query.from} to {query.to}
          </caption>
          <thead>
            <tr>
              <th scope="col">{stackLabels[query.stackBy]}</th>
              <th scope="col">Requests</th>
              <th scope="col">Failed</th>
              <th scope="col">Input tokens</th>
              <th scope="col">Cached input</th>
              <th scope="col">Output tokens</th>
              <th scope="col">Cost (USD)</th>
            </tr>
          </thead>
          <tbody>
            {totals.map((row) => (
              <tr key={row.key}>
                <th scope="row" className="mono">
                  {display(row.key)}
                </th>
                <td className="number">{row.requests}</td>
                <td className="number">{row.errors}</td>
                <td className="number">{row.inputTokens}</td>
                <td className="number">{row.cachedInputTokens}</td>
                <td className="number">{row.outputTokens}</td>
                <td className="number">{row.costUsd.toFixed(6)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {groups && totals.length === 0 && <p className="muted">No usage in this range.</p>}
    </section>
  );
}
