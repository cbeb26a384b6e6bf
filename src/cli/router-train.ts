import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readRoutingData } from "../routing/auto/dataset.js";
import { trainRouter } from "../routing/auto/train.js";

const usage = `Usage: switchyard router train --data FILE.jsonl --strong MODEL --weak MODEL --out ROUTER.json
                               [--target-strong 0.3 | --target-quality 0.9] [--folds 5] [--seed 1] [--quiet]

Rows: {"prompt": "...", "scores": {"MODEL": 0..1, ...}}. A row may score only one of the two models
(logged traffic); quality is measured on the rows that score both. Settings are chosen by k-fold
cross-validation on this data alone; the threshold sends --target-strong of traffic to the strong model,
or, with --target-quality Q, the smallest share that keeps Q of the strong model's quality gain (PGR) on
held-out folds of this data.
`;

/** A flag's value as a number in 0..1; NaN when it is given and is not one. */
function unitInterval(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 && number <= 1 ? number : Number.NaN;
}

export async function routerTrainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      strong: { type: "string" },
      weak: { type: "string" },
      out: { type: "string" },
      "target-strong": { type: "string" },
      "target-quality": { type: "string" },
      folds: { type: "string" },
      seed: { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (!values.data || !values.strong || !values.weak || !values.out) {
    process.stderr.write(`--data, --strong, --weak and --out are required.\n\n${usage}`);
    return 2;
  }
  const targetStrong = unitInterval(values["target-strong"]);
  const targetQuality = unitInterval(values["target-quality"]);
  for (const [flag, value] of [["--target-strong", targetStrong], ["--target-quality", targetQuality]] as const) {
    if (Number.isNaN(value)) {
      process.stderr.write(`${flag} must be a number between 0 and 1.\n`);
      return 2;
    }
  }
  if (targetStrong !== undefined && targetQuality !== undefined) {
    process.stderr.write("Give --target-strong or --target-quality, not both.\n");
    return 2;
  }
  const folds = values.folds === undefined ? 5 : Number(values.folds);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(folds) || folds < 2 || !Number.isInteger(seed)) {
    process.stderr.write("--folds must be an integer >= 2 and --seed an integer.\n");
    return 2;
  }
  const rows = readRoutingData(values.data);
  const log = (message: string) => {
    if (!values.quiet) process.stderr.write(`${message}\n`);
  };
  const started = performance.now();
  const { file } = trainRouter(rows, {
    strong: values.strong,
    weak: values.weak,
    ...(targetStrong === undefined ? {} : { targetStrong }),
    ...(targetQuality === undefined ? {} : { targetQuality }),
    folds,
    seed,
    onProgress: log,
  });
  writeFileSync(values.out, `${JSON.stringify(file)}\n`);
  log(
    `trained on ${file.training.rows} rows (${String(file.training.pairedRows)} scoring both models) in ${((performance.now() - started) / 1000).toFixed(1)} s: label ${file.label}, ` +
      `cross-validated APGR ${Number(file.training.crossValidatedApgr).toFixed(3)}, threshold ${file.threshold.toFixed(4)} ` +
      `(${(file.targetStrong * 100).toFixed(1)}% strong${file.targetQuality === undefined ? "" : ` for ${Math.round(file.targetQuality * 100)}% of the quality gain`}) -> ${values.out}`,
  );
  return 0;
}
