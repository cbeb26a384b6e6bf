import { routerEvalCommand } from "./router-eval.js";
import { routerTrainCommand } from "./router-train.js";

const usage = `Usage: switchyard router <train|eval> [options]   (--help on each for details)\n`;

/** `switchyard router train|eval`: the learned cost/quality router. */
export async function routerCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "train") return routerTrainCommand(rest);
  if (name === "eval") return routerEvalCommand(rest);
  process.stderr.write(name === undefined || name === "--help" ? usage : `Unknown router command '${name}'.\n${usage}`);
  return name === "--help" ? 0 : 1;
}
