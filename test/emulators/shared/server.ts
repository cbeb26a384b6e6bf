import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { FaultQueue } from "./faults.js";

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 with a free port; close() also drops open keep-alive sockets. */
export async function startServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>,
): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: String(error) } }));
      } else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export interface IncomingJson {
  url: URL;
  /** The raw body, for the few endpoints that are not JSON (an OAuth token form). */
  text: string;
  /** The parsed body; undefined when the body is empty or not JSON. */
  body: any;
  /** The body was there but was not JSON: answer with the provider's 400. */
  malformed: boolean;
}

/** Reads a request's body (POST only) and parses it as JSON. */
export async function readJsonRequest(request: IncomingMessage): Promise<IncomingJson> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const text = request.method === "POST" ? await readBody(request) : "";
  try {
    return { url, text, body: text ? JSON.parse(text) : undefined, malformed: false };
  } catch {
    return { url, text, body: undefined, malformed: true };
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export { FaultQueue, type Fault } from "./faults.js";

/** How an emulator paces its streams. */
export interface StreamPacing {
  /** Characters per streamed text chunk. */
  chunkSize?: number;
  /** Delay between streamed events (ms). */
  eventDelayMs?: number;
}

/** What every provider emulator gives a test: the requests it saw, and faults to queue for the next ones. */
export interface EmulatorServer extends RunningServer {
  requests: RecordedRequest[];
  faults: FaultQueue;
}

/** A request as an emulator saw it, so tests can check what an upstream received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
}
