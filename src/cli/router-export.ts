import { parseArgs } from "node:util";
import { ConfigError, loadConfigFile } from "../config/load.js";
import { exportRatedSamples } from "../routing/feedback/export-samples.js";
import { RoutingSampleStore } from "../routing/feedback/sample-store.js";
import { openConfiguredDatabase } from "../storage/from-config.js";

const usage = `Usage: switchyard router export --config CONFIG.yaml --model AUTO_MODEL --out FILE.jsonl [--since ISO_DATE]

Writes the rated routing samples of a type: auto model (collect_samples: true, rated through
POST /v1/feedback) as router training rows: {"prompt": ..., "scores": {"<tier model>": score},
"request_id": ..., "tier": ...}. Each row scores the one model that answered; add rows that score
both models (a seed dataset) before \`switchyard router train\`. Uses the config's database
(DATABASE_URL wins, as for serve).
`;

export async function routerExportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string", short: "c" },
      model: { type: "string" },
      out: { type: "string" },
      since: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (!values.model || !values.out) {
    process.stderr.write(`--model and --out are required.\n\n${usage}`);
    return 2;
  }
  const since = values.since === undefined ? undefined : Date.parse(values.since);
  if (since !== undefined && !Number.isFinite(since)) {
    process.stderr.write(`--since must be an ISO date or date-time (e.g. 2025-01-31), not '${values.since}'.\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfigFile({ path: values.config }).config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const entry = config.models[values.model];
  if (entry?.type !== "auto") {
    // Samples outlive config changes, so this is a warning: the table is what gets exported.
    process.stderr.write(`note: '${values.model}' is not a type: auto model in this config; exporting its stored samples anyway.\n`);
  }
  const storage = await openConfiguredDatabase(config, process.env);
  try {
    const rows = await exportRatedSamples(new RoutingSampleStore(storage.db), values.model, values.out, { since });
    process.stdout.write(`wrote ${rows} rated sample${rows === 1 ? "" : "s"} of '${values.model}' to ${values.out}\n`);
    return 0;
  } finally {
    await storage.close();
  }
}
