import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { useEffect, useRef } from "react";
import type { ModelSummary } from "./evaluation-types";

// Only the pieces this chart draws, so the bundle carries no more of chart.js than it uses.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Quality per model as bars, each with its confidence interval drawn over it as a thin floating bar (low..high). */
export function QualityChart({ models, confidence }: { models: ModelSummary[]; confidence: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart<"bar", Array<number | [number, number]>, string>(canvas.current, {
      type: "bar",
      data: {
        labels: models.map((model) => model.model),
        datasets: [
          { label: "quality (mean)", data: models.map((model) => model.quality.mean), backgroundColor: "#7f9ef5", order: 1 },
          // Not grouped: drawn over the quality bar of its model, on top (lower order draws last).
          { label: `${Math.round(confidence * 100)}% interval`, data: models.map((model) => [model.quality.low, model.quality.high]), backgroundColor: "#1d2330", barPercentage: 0.08, grouped: false, order: 0 },
        ],
      },
      options: {
        animation: false,
        responsive: false,
        scales: { y: { min: 0, max: 1, title: { display: true, text: "score (0..1)" } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
    return () => chart.destroy();
  }, [models, confidence]);
  const description = models.map((model) => `${model.model}: quality ${model.quality.mean.toFixed(2)} (${model.quality.low.toFixed(2)} to ${model.quality.high.toFixed(2)})`).join("; ");
  return <canvas ref={canvas} width={Math.max(360, models.length * 140)} height={260} role="img" aria-label={`Quality per model with intervals. ${description}`} data-testid="quality-chart" />;
}
