import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** The built console (console/dist), the same relative path from src/api and dist/api. */
const CONSOLE_DIR = fileURLToPath(new URL("../../console/dist/", import.meta.url));

/** Serves the web console under /console/ and sends `/` there. */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  app.get("/", (_request, reply) => reply.redirect("/console/"));
  if (!existsSync(CONSOLE_DIR)) {
    app.get("/console/*", (_request, reply) =>
      reply.code(503).type("text/plain").send("The console is not built. Run `npm run build` (it runs on `npm ci`)."),
    );
    return;
  }
  await app.register(fastifyStatic, { root: CONSOLE_DIR, prefix: "/console/", index: "index.html", wildcard: true });
}
