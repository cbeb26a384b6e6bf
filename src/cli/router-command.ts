import { routerEvalCommand } from "./router-eval.js";
import { routerExportCommand } from "./router-export.js";
import { routerTrainCommand } from "./router-train.js";

const usage = `Usage: switchyard router <train|eval|export> [options]   (--help on each for details)\n`;

/** `switchyard router train|eval|export`: the learned cost/quality router and its retraining data. */
export async function routerCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "train") return routerTrainCommand(rest);
  if (name === "eval") return routerEvalCommand(rest);
  if (name === "export") return routerExportCommand(rest);
  process.stderr.write(name === undefined || name === "--help" ? usage : `Unknown router command '${name}'.\n${usage}`);
  return name === "--help" ? 0 : 1;
}
