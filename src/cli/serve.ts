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
  await server.listen({ host, port: runtime.config.server.port });
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
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  process.off("SIGHUP", reload);
  runtime.logger.info("shutting down");
  await app.close();
  return 0;
}
