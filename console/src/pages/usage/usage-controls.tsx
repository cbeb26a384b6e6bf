import { lastDays, metricLabels, type Metric, type UsageQuery } from "./usage-data";

const presets = [
  { label: "Yesterday and today, hourly", days: 2, grain: "hour" },
  { label: "Last 7 days", days: 7, grain: "day" },
  { label: "Last 30 days", days: 30, grain: "day" },
] as const;

/** Date range, grouping, stacking and the figure charted; every change asks the gateway again. */
export function UsageControls(props: { query: UsageQuery; metric: Metric; onQuery: (query: UsageQuery) => void; onMetric: (metric: Metric) => void }) {
  const { query } = props;
  const set = (patch: Partial<UsageQuery>) => props.onQuery({ ...query, ...patch });
  return (
    <form className="filter-bar" aria-label="Usage range and grouping" onSubmit={(event) => event.preventDefault()}>
      <label>
        From (UTC)
        <input type="date" value={query.from} max={query.to} required onChange={(event) => set({ from: event.target.value })} />
      </label>
      <label>
        To (UTC)
        <input type="date" value={query.to} min={query.from} required onChange={(event) => set({ to: event.target.value })} />
      </label>
      <label>
        Group by
        <select value={query.grain} onChange={(event) => set({ grain: event.target.value as UsageQuery["grain"] })}>
          <option value="day">day</option>
          <option value="hour">hour</option>
        </select>
      </label>
      <label>
        Stack by
        <select value={query.stackBy} onChange={(event) => set({ stackBy: event.target.value as UsageQuery["stackBy"] })}>
          <option value="model">model</option>
          <option value="project">project</option>
          <option value="provider">provider</option>
        </select>
      </label>
      <label>
        Chart
        <select value={props.metric} onChange={(event) => props.onMetric(event.target.value as Metric)}>
          {(Object.keys(metricLabels) as Metric[]).map((metric) => (
            <option key={metric} value={metric}>
              {metricLabels[metric]}
            </option>
          ))}
        </select>
      </label>
      <div className="actions" role="group" aria-label="Quick ranges">
        {presets.map((preset) => (
          <button key={preset.label} type="button" className="secondary small" onClick={() => props.onQuery({ ...query, ...lastDays(preset.days), grain: preset.grain })}>
            {preset.label}
          </button>
        ))}
      </div>
    </form>
  );
}
