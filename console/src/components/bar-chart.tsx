export interface Bar {
  label: string;
  value: number;
}

/** A plain SVG bar chart: no chart library needed for a handful of bars. */
export function BarChart({ bars, unit, height = 180 }: { bars: Bar[]; unit: string; height?: number }) {
  if (bars.length === 0) return <p className="muted">No data yet.</p>;
  const max = Math.max(...bars.map((bar) => bar.value), 1e-9);
  const width = Math.max(320, bars.length * 48);
  const barWidth = width / bars.length - 8;
  return (
    <svg className="chart" width={width} height={height + 40} role="img" aria-label={`chart in ${unit}`}>
      {bars.map((bar, index) => {
        const barHeight = (bar.value / max) * height;
        const x = index * (barWidth + 8) + 4;
        return (
          <g key={bar.label}>
            <rect x={x} y={height - barHeight} width={barWidth} height={barHeight} rx={3} />
            <text x={x + barWidth / 2} y={height + 14} textAnchor="middle">
              {bar.label}
            </text>
            <text x={x + barWidth / 2} y={Math.max(12, height - barHeight - 4)} textAnchor="middle" className="value">
              {formatValue(bar.value, unit)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function formatValue(value: number, unit: string): string {
  if (unit === "$") return `$${value < 0.01 ? value.toFixed(5) : value.toFixed(2)}`;
  return value >= 1000 ? `${(value / 1000).toFixed(1)}k` : String(Math.round(value * 100) / 100);
}
