import { parseArgs } from "node:util";
import { createApp } from "../app.js";
import { ConfigError } from "../config/load.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string", short: "c" },
      port: { type: "string", short: "p" },
      host: { type: "string" },
    },
    strict: true,
  });
  const env = { ...process.env };
  if (values.port !== undefined) env.SWITCHYARD_PORT = values.port;
  if (values.host !== undefined) env.SWITCHYARD_HOST = values.host;
  let app;
  try {
    app = await createApp({ configPath: values.config, env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { runtime, server } = app;
  let host = runtime.config.server.host;
  if (!runtime.masterKey && !LOOPBACK.has(host)) {
    runtime.logger.warn(`SWITCHYARD_MASTER_KEY is not set: binding to 127.0.0.1 instead of ${host}. Set a master key to listen on other interfaces.`);
    host = "127.0.0.1";
  }
  try {
    await server.listen({ host, port: runtime.config.server.port });
  } catch (error) {
    // The database pool, Redis and the change bus would keep a process that cannot listen alive.
    await app.close();
    throw error;
  }
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : runtime.config.server.port;
  runtime.logger.info(
    { host, port, providers: [...runtime.providers.keys()], models: runtime.models.list().map((model) => model.name) },
    `Switchyard listening on http://${host.includes(":") ? `[${host}]` : host}:${port}${runtime.masterKey ? "" : " (no SWITCHYARD_MASTER_KEY: loopback only, no auth)"}`,
  );
  // SIGHUP re-reads the config file: validated first (a bad file changes nothing), then swapped in one step.
  // The reloader logs what changed, or every problem when it refused the file.
  const reload = () => void app.reloader.reload().catch((error: unknown) => runtime.logger.error({ err: error }, "configuration reload failed"));
  process.on("SIGHUP", reload);
  await new Promise<void>((resolve) => {
    let first: number | undefined;
    // Under `npm start` a Ctrl-C or a SIGTERM to the process group arrives twice (once from the terminal or
    // sender, once forwarded by npm): the repeat must not cut the graceful shutdown short. A signal well
    // after the first (someone insisting) ends the process at once.
    const stop = (signal: NodeJS.Signals) => {
      if (first === undefined) {
        first = Date.now();
        resolve();
      } else if (Date.now() - first > 2000) {
        runtime.logger.warn(`${signal} again: exiting without finishing the shutdown`);
        process.exit(130);
      }
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  process.off("SIGHUP", reload);
  runtime.logger.info("shutting down");
  await app.close();
  return 0;
}
