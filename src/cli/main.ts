#!/usr/bin/env node
export type Command = (argv: string[]) => Promise<number>;

/**
 * Subcommands; each lives in its own file, loaded only when called: a running gateway (`serve`)
 * keeps none of the others' code (progress bars, downloads, router training) in memory.
 */
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./serve.js")).serveCommand,
  models: async () => (await import("./models.js")).modelsCommand,
  router: async () => (await import("./router-command.js")).routerCommand,
  finetune: async () => (await import("./finetune.js")).finetuneCommand,
};

const usage = `Usage: switchyard <command> [options]

Commands:
  serve [--config FILE] [--port N] [--host H]   run the gateway
  models pull <hf:owner/repo:quant | url>       download a GGUF model (resumable, checksummed)
  models list                                   list downloaded models
  router train|eval|export [options]            learn, evaluate and retrain the cost/quality router
  finetune upload|create|list|get|events|cancel|watch   files and fine-tuning jobs (progress bar)
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage);
    return name === undefined ? 1 : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`Unknown command '${name}'.\n\n${usage}`);
    return 1;
  }
  return (await command())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
