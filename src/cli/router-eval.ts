import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { pairRows, readRoutingData } from "../routing/auto/dataset.js";
import { evaluateScores, lengthBaseline, metricsSummary, randomBaseline } from "../routing/auto/evaluate.js";
import { plotCurvesSvg } from "../routing/auto/plot.js";
import { loadRouterFile } from "../routing/auto/router-file.js";

const usage = `Usage: switchyard router eval --router ROUTER.json --data FILE.jsonl [--json] [--plot curve.svg]

Prints APGR, CPT(50%), CPT(80%) and the quality curve (RouteLLM's definitions), beside the random and
"longer prompt -> strong" baselines on the same rows.
`;

const percent = (value: number | null) => (value === null ? "never" : `${value.toFixed(1)}%`);

export async function routerEvalCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      router: { type: "string" },
      data: { type: "string" },
      json: { type: "boolean" },
      plot: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (!values.router || !values.data) {
    process.stderr.write(`--router and --data are required.\n\n${usage}`);
    return 2;
  }
  const router = loadRouterFile(values.router);
  const rows = pairRows(readRoutingData(values.data), router.file.strong, router.file.weak, values.data);
  const metrics = evaluateScores(rows, rows.map((row) => router.score(row.prompt)));
  const length = lengthBaseline(rows);
  const random = randomBaseline(rows);

  if (values.plot) {
    const svg = plotCurvesSvg(
      [
        { name: `router (APGR ${metrics.apgr.toFixed(3)})`, curve: metrics.curve },
        { name: `longer prompt (APGR ${length.apgr.toFixed(3)})`, curve: length.curve },
        { name: "random", curve: [[0, metrics.qualityWeak], [100, metrics.qualityStrong]] },
      ],
      metrics,
      `${router.file.strong} vs ${router.file.weak}, ${rows.length} prompts`,
    );
    writeFileSync(values.plot, svg);
  }

  if (values.json) {
    const output = {
      apgr: metrics.apgr,
      cpt50: metrics.cpt50,
      cpt80: metrics.cpt80,
      curve: metrics.curve,
      rows: rows.length,
      quality_strong: metrics.qualityStrong,
      quality_weak: metrics.qualityWeak,
      baselines: { random, longer_prompt: metricsSummary(length) },
    };
    process.stdout.write(`${JSON.stringify(output)}\n`);
    return 0;
  }
  const lines = [
    `rows: ${rows.length}   quality strong ${metrics.qualityStrong.toFixed(3)}   weak ${metrics.qualityWeak.toFixed(3)}`,
    "",
    "                 APGR    CPT(50%)  CPT(80%)",
    `router           ${metrics.apgr.toFixed(3)}   ${percent(metrics.cpt50).padStart(7)}   ${percent(metrics.cpt80).padStart(7)}`,
    `longer prompt    ${length.apgr.toFixed(3)}   ${percent(length.cpt50).padStart(7)}   ${percent(length.cpt80).padStart(7)}`,
    `random           ${random.apgr.toFixed(3)}   ${percent(random.cpt50).padStart(7)}   ${percent(random.cpt80).padStart(7)}`,
    "",
    "curve (% strong -> quality):",
    ...metrics.curve.filter(([share]) => share % 10 === 0).map(([share, quality]) => `  ${String(share).padStart(3)}%  ${quality.toFixed(3)}`),
  ];
  if (values.plot) lines.push("", `plot written to ${values.plot}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
