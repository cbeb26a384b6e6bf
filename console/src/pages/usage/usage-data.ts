import { getJson } from "../../api";

export type Grain = "day" | "hour";
export type StackBy = "model" | "project" | "provider";
export type Metric = "cost" | "tokens" | "requests";

export interface UsageQuery {
  /** UTC dates, `YYYY-MM-DD`, both inclusive. */
  from: string;
  to: string;
  grain: Grain;
  stackBy: StackBy;
}

/** One `/v1/usage` group: the dimensions asked for come back under their own names (`project_id` for project). */
export interface UsageGroup {
  day?: string;
  hour?: string;
  model?: string;
  project_id?: string | null;
  provider?: string | null;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Hourly bars beyond this many days would be too thin to read (and too many to fetch at once). */
export const MAX_HOURLY_DAYS = 14;

export const metricLabels: Record<Metric, string> = { cost: "Cost (USD)", tokens: "Tokens (input + output)", requests: "Requests" };
export const stackLabels: Record<StackBy, string> = { model: "model", project: "project", provider: "provider" };

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The last `days` UTC days, today included. */
export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  return { from: isoDay(now - (days - 1) * DAY_MS), to: isoDay(now) };
}

/** What is wrong with a range, or undefined when it can be asked for. */
export function rangeProblem(query: UsageQuery): string | undefined {
  if (!query.from || !query.to) return "Choose both dates.";
  const days = (dayStart(query.to) - dayStart(query.from)) / DAY_MS + 1;
  if (Number.isNaN(days)) return "Dates must be YYYY-MM-DD.";
  if (days < 1) return "The start date is after the end date.";
  if (query.grain === "hour" && days > MAX_HOURLY_DAYS) return `Hourly grouping covers up to ${MAX_HOURLY_DAYS} days; choose a shorter range or group by day.`;
  return undefined;
}

/** Every period in the range, so days or hours without traffic still get a (zero) bar. */
export function periodsOf(query: UsageQuery): string[] {
  const start = dayStart(query.from);
  const end = dayStart(query.to) + DAY_MS;
  const step = query.grain === "day" ? DAY_MS : HOUR_MS;
  const periods: string[] = [];
  for (let at = start; at < end; at += step) periods.push(query.grain === "day" ? isoDay(at) : new Date(at).toISOString());
  return periods;
}

export function periodLabel(period: string, grain: Grain): string {
  return grain === "day" ? period : `${period.slice(5, 10)} ${period.slice(11, 16)}`;
}

export async function loadUsage(query: UsageQuery): Promise<UsageGroup[]> {
  const params = new URLSearchParams({
    group_by: `${query.grain},${query.stackBy}`,
    from: query.from,
    // The API's `to` is exclusive: the day after the last one asked for.
    to: isoDay(dayStart(query.to) + DAY_MS),
  });
  return (await getJson<{ data: UsageGroup[] }>(`/v1/usage?${params}`)).data;
}

export const periodOf = (group: UsageGroup, grain: Grain) => (grain === "day" ? (group.day ?? "") : (group.hour ?? ""));

export function seriesKeyOf(group: UsageGroup, stackBy: StackBy): string {
  const value = stackBy === "project" ? group.project_id : stackBy === "provider" ? group.provider : group.model;
  return value ?? `(no ${stackBy})`;
}

export function metricOf(group: UsageGroup, metric: Metric): number {
  if (metric === "cost") return group.cost_usd;
  if (metric === "tokens") return group.input_tokens + group.output_tokens;
  return group.requests;
}

export interface SeriesTotals {
  key: string;
  requests: number;
  errors: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Per series over the whole range, largest cost first (then most requests). */
export function totalsBySeries(groups: UsageGroup[], stackBy: StackBy): SeriesTotals[] {
  const totals = new Map<string, SeriesTotals>();
  for (const group of groups) {
    const key = seriesKeyOf(group, stackBy);
    const row = totals.get(key) ?? { key, requests: 0, errors: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, costUsd: 0 };
    row.requests += group.requests;
    row.errors += group.errors;
    row.inputTokens += group.input_tokens;
    row.cachedInputTokens += group.cached_input_tokens;
    row.outputTokens += group.output_tokens;
    row.costUsd += group.cost_usd;
    totals.set(key, row);
  }
  return [...totals.values()].sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.key.localeCompare(b.key));
}

/** One stack per series: the metric per period, zero where it had no traffic. */
export function stackedSeries(groups: UsageGroup[], query: UsageQuery, metric: Metric, order: string[]): Array<{ label: string; values: number[] }> {
  const periods = periodsOf(query);
  const index = new Map(periods.map((period, at) => [period, at]));
  const series = new Map(order.map((key) => [key, periods.map(() => 0)]));
  for (const group of groups) {
    const at = index.get(periodOf(group, query.grain));
    const values = series.get(seriesKeyOf(group, query.stackBy));
    if (at !== undefined && values) values[at]! += metricOf(group, metric);
  }
  return order.map((key) => ({ label: key, values: series.get(key)! }));
}

const csvField = (value: string | number) => {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Every (period, series) group with every figure: what a spreadsheet needs, whatever the chart shows. */
export function usageCsv(groups: UsageGroup[], query: UsageQuery): string {
  const header = [query.grain, query.stackBy, "requests", "errors", "input_tokens", "cached_input_tokens", "output_tokens", "cost_usd"];
  const lines = groups.map((group) =>
    [periodOf(group, query.grain), seriesKeyOf(group, query.stackBy), group.requests, group.errors, group.input_tokens, group.cached_input_tokens, group.output_tokens, group.cost_usd]
      .map(csvField)
      .join(","),
  );
  return [header.join(","), ...lines].join("\r\n") + "\r\n";
}
