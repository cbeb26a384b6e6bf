import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { useEffect, useRef } from "react";

// Only what a stacked bar chart needs, so the rest of chart.js stays out of the bundle.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Okabe-Ito first (told apart with the common colour-vision deficiencies), then darker tones. */
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7a5195", "#4d7c0f", "#000000", "#8c564b"];

export interface BarSeries {
  label: string;
  values: number[];
}

/**
 * Bars per period, stacked by series. The canvas carries a text summary as its accessible name; the page's
 * table holds the same figures for anyone who cannot see the chart.
 */
export function StackedBarChart(props: { labels: string[]; series: BarSeries[]; yTitle: string; summary: string; format: (value: number) => string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<"bar", number[], string>>(undefined);
  const format = useRef(props.format);
  format.current = props.format;

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, ticks: { color: "#3d4556", maxRotation: 60, autoSkip: true } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "", color: "#1d2330" }, ticks: { color: "#3d4556", callback: (value) => format.current(Number(value)) } },
        },
        plugins: {
          legend: { position: "bottom", labels: { color: "#1d2330" } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ""}: ${format.current(Number(item.raw))}` } },
        },
      },
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    current.data.labels = props.labels;
    current.data.datasets = props.series.map((series, index) => ({
      label: series.label,
      data: series.values,
      backgroundColor: PALETTE[index % PALETTE.length],
      borderWidth: 0,
    }));
    const y = current.options.scales?.y;
    if (y && "title" in y && y.title) y.title.text = props.yTitle;
    current.update();
  }, [props.labels, props.series, props.yTitle]);

  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={props.summary} data-testid="usage-chart" data-series={props.series.map((series) => series.label).join("\n")}>
        {props.summary}
      </canvas>
    </div>
  );
}
