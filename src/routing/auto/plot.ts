import type { RoutingMetrics } from "./metrics.js";

export interface PlotSeries {
  name: string;
  curve: Array<[number, number]>;
}

const COLOURS = ["#1f6feb", "#d29922", "#8b949e", "#2da44e"];

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (char) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[char]!);
}

/** Quality against percent of strong calls, with the strong and weak models' quality as reference lines. */
export function plotCurvesSvg(series: PlotSeries[], metrics: Pick<RoutingMetrics, "qualityStrong" | "qualityWeak">, title: string): string {
  const width = 640;
  const height = 420;
  const left = 60;
  const right = 20;
  const top = 40;
  const bottom = 50;
  const all = series.flatMap((item) => item.curve.map((point) => point[1]));
  const low = Math.min(metrics.qualityWeak, ...all);
  const high = Math.max(metrics.qualityStrong, ...all);
  const pad = (high - low) * 0.05 || 0.05;
  const yMin = low - pad;
  const yMax = high + pad;
  const x = (percent: number) => left + (percent / 100) * (width - left - right);
  const y = (quality: number) => top + (1 - (quality - yMin) / (yMax - yMin)) * (height - top - bottom);
  const lines: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="black"/>`,
    `<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">% calls to strong model</text>`,
    `<text x="16" y="${(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(top + height - bottom) / 2})">quality</text>`,
  ];
  for (let percent = 0; percent <= 100; percent += 20) {
    lines.push(`<text x="${x(percent)}" y="${height - bottom + 16}" text-anchor="middle">${percent}</text>`);
  }
  for (let step = 0; step <= 4; step++) {
    const quality = yMin + ((yMax - yMin) * step) / 4;
    lines.push(`<text x="${left - 6}" y="${y(quality) + 4}" text-anchor="end">${quality.toFixed(2)}</text>`);
  }
  for (const [label, quality] of [["strong", metrics.qualityStrong], ["weak", metrics.qualityWeak]] as const) {
    lines.push(`<line x1="${left}" y1="${y(quality)}" x2="${width - right}" y2="${y(quality)}" stroke="#999" stroke-dasharray="4 4"/>`);
    lines.push(`<text x="${width - right - 4}" y="${y(quality) - 4}" text-anchor="end" fill="#666">${label}</text>`);
  }
  for (const [index, item] of series.entries()) {
    const colour = COLOURS[index % COLOURS.length]!;
    const points = item.curve.map(([percent, quality]) => `${x(percent).toFixed(1)},${y(quality).toFixed(1)}`).join(" ");
    lines.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>`);
    lines.push(`<text x="${left + 10}" y="${top + 16 + index * 16}" fill="${colour}">${escapeXml(item.name)}</text>`);
  }
  lines.push("</svg>");
  return `${lines.join("\n")}\n`;
}
