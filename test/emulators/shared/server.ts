import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

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

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A fault an emulator applies to the next matching request.
 * - status: answer with that status and the provider's error body
 * - reset: destroy the socket before answering
 * - stall: wait `ms` before answering normally
 * - cut: stream `afterEvents` events, then drop the connection
 * - error-event: stream `afterEvents` events, then an in-stream error event
 */
export type Fault =
  | { kind: "status"; status: number; message?: string; headers?: Record<string, string> }
  | { kind: "reset" }
  | { kind: "stall"; ms: number }
  | { kind: "cut"; afterEvents: number }
  | { kind: "error-event"; afterEvents: number; message?: string };

/** Faults queued for the next requests, plus an optional standing fault for every request. */
export class FaultQueue {
  private readonly queue: Fault[] = [];
  standing: Fault | undefined;

  push(...faults: Fault[]): void {
    this.queue.push(...faults);
  }

  next(): Fault | undefined {
    return this.queue.shift() ?? this.standing;
  }

  clear(): void {
    this.queue.length = 0;
    this.standing = undefined;
  }
}
