import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Writable } from "node:stream";
import { Pool } from "undici";

/**
 * The limit for any Node proxy, and the baseline of every ratio the benchmarks report: a node:http
 * server that forwards the request body's bytes upstream through an undici keep-alive pool and
 * streams the response bytes back. No JSON parsing, no auth, no logging, no metrics. A client that
 * hangs up aborts the upstream request. PORT, UPSTREAM (origin).
 */
const port = Number(process.env.PORT ?? 0);
const upstream = process.env.UPSTREAM ?? "http://127.0.0.1:1";
const pool = new Pool(upstream, { connections: null, keepAliveTimeout: 30_000, bodyTimeout: 0, headersTimeout: 0 });

function forward(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  pool.stream(
    {
      path: request.url ?? "/",
      method: request.method === "POST" ? "POST" : "GET",
      headers: { "content-type": request.headers["content-type"] ?? "application/json" },
      body: request.method === "POST" ? body : undefined,
    },
    // undici writes the upstream body straight into the response; if the client's socket closes
    // first, the response ends prematurely and undici aborts the upstream request.
    ({ statusCode, headers }) => {
      const type = headers["content-type"];
      response.writeHead(statusCode, typeof type === "string" ? { "content-type": type } : {});
      return response as unknown as Writable;
    },
    (error) => {
      if (!error) return;
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    },
  );
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => forward(request, response, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
});
server.keepAliveTimeout = 75_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === "object" && address ? address.port : port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
