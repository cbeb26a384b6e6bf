import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";
import { useEffect, useMemo, useRef } from "react";
import type { StepMetric } from "./fine-tuning-types";

// Only the pieces a line chart on numeric axes needs: chart.js leaves the rest out of the bundle.
Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

type Points = Array<{ x: number; y: number }>;

function series(metrics: StepMetric[]): { train: Points; valid: Points } {
  const sorted = [...metrics].sort((a, b) => a.step - b.step);
  return {
    train: sorted.map((metric) => ({ x: metric.step, y: metric.train_loss })),
    valid: sorted.filter((metric) => metric.valid_loss !== undefined).map((metric) => ({ x: metric.step, y: metric.valid_loss! })),
  };
}

function summary(points: Points, name: string): string {
  if (points.length === 0) return `no ${name} yet`;
  return `${name} ${points[0]!.y.toFixed(3)} at step ${points[0]!.x} to ${points.at(-1)!.y.toFixed(3)} at step ${points.at(-1)!.x}`;
}

/** The training (and validation) loss per step, redrawn in place as new steps arrive. */
export function LossChart({ metrics }: { metrics: StepMetric[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<"line", Points>>(undefined);
  const { train, valid } = useMemo(() => series(metrics), [metrics]);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: "line",
      data: {
        datasets: [
          { label: "training loss", data: [], borderColor: "#2f5fd0", backgroundColor: "#2f5fd0", pointRadius: 0, borderWidth: 2 },
          { label: "validation loss", data: [], borderColor: "#b3541e", backgroundColor: "#b3541e", pointRadius: 3, borderWidth: 2 },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: "linear", title: { display: true, text: "step" }, ticks: { color: "#3d4556" } },
          y: { type: "linear", title: { display: true, text: "loss" }, ticks: { color: "#3d4556" } },
        },
        plugins: { legend: { labels: { color: "#1d2330" } } },
      },
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    current.data.datasets[0]!.data = train;
    current.data.datasets[1]!.data = valid;
    current.update();
  }, [train, valid]);

  const description = `${summary(train, "training loss")}; ${summary(valid, "validation loss")}`;
  return (
    <figure className="loss-chart" data-testid="loss-chart" data-points={train.length}>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={`Loss curve: ${description}`}>
          {description}
        </canvas>
      </div>
      <figcaption className="details">{train.length === 0 ? "The curve appears with the first training step." : description}</figcaption>
    </figure>
  );
}
