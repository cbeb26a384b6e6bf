/** A plain SVG line chart, e.g. a training loss curve. */
export function LineChart({ points, label, height = 160 }: { points: Array<[number, number]>; label: string; height?: number }) {
  if (points.length < 2) return <p className="muted">Not enough points for a curve yet.</p>;
  const width = 420;
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const [minX, maxX] = [Math.min(...xs), Math.max(...xs)];
  const [minY, maxY] = [Math.min(...ys), Math.max(...ys)];
  const scaleX = (x: number) => 30 + ((x - minX) / (maxX - minX || 1)) * (width - 40);
  const scaleY = (y: number) => 10 + (1 - (y - minY) / (maxY - minY || 1)) * (height - 30);
  const path = points.map(([x, y], index) => `${index === 0 ? "M" : "L"}${scaleX(x).toFixed(1)},${scaleY(y).toFixed(1)}`).join(" ");
  return (
    <svg className="chart line" width={width} height={height} role="img" aria-label={label}>
      <path d={path} fill="none" strokeWidth={2} />
      <text x={30} y={height - 4}>{`${label}: ${ys[0]!.toFixed(3)} → ${ys[ys.length - 1]!.toFixed(3)}`}</text>
    </svg>
  );
}
