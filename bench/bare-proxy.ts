import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { Pool } from "undici";

/**
 * The floor for any Node proxy: takes the request, sends it upstream through an undici keep-alive
 * pool and pipes the response bytes back. No parsing, no auth, no logging. PORT, UPSTREAM (origin).
 */
const port = Number(process.env.PORT ?? 0);
const upstream = process.env.UPSTREAM ?? "http://127.0.0.1:1";
const pool = new Pool(upstream, { connections: null, keepAliveTimeout: 30_000, bodyTimeout: 0, headersTimeout: 0 });

// `forward` answers every failure itself (502 or a destroyed socket), so nothing is left to await here.
const server = createServer((request, response) => void forward(request, response));

async function forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const controller = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) controller.abort();
  });
  try {
    const headers: Record<string, string> = { "content-type": request.headers["content-type"] ?? "application/json" };
    if (request.headers["content-length"]) headers["content-length"] = request.headers["content-length"];
    const upstreamResponse = await pool.request({
      path: request.url ?? "/",
      method: (request.method ?? "GET") as "POST",
      headers,
      body: request.method === "POST" ? request : undefined,
      signal: controller.signal,
    });
    const out: Record<string, string> = {};
    const type = upstreamResponse.headers["content-type"];
    if (typeof type === "string") out["content-type"] = type;
    response.writeHead(upstreamResponse.statusCode, out);
    await pipeline(upstreamResponse.body, response);
  } catch {
    if (!response.headersSent) response.writeHead(502).end();
    else response.destroy();
  }
}
server.keepAliveTimeout = 75_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === "object" && address ? address.port : port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
