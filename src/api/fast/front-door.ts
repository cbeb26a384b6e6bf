import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { FAST_ROUTE, type FastChat } from "./fast-chat.js";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A node:http handler in front of Fastify for `POST /v1/chat/completions`. It reads the body of a
 * plain JSON request (declared length within the body limit) and offers it to the fast path; a
 * request the fast path declines, and every other request, goes to Fastify as if nothing had
 * happened: the body already read is handed back through a `preParsing` hook, so Fastify parses,
 * limits and answers it exactly as before. Fastify's own lifecycle (hooks, routing, reply) costs
 * about a quarter of a bare proxy's throughput, which is why the hot route skips it.
 */
export class FrontDoor {
  private readonly replay = new WeakMap<IncomingMessage, Buffer>();
  private closing = false;

  constructor(
    private readonly fast: FastChat,
    private readonly bodyLimit: number,
  ) {}

  /** Fastify's `serverFactory`: the same server Fastify would build, with this handler first. */
  readonly serverFactory = (handler: Handler, options: FastifyServerOptions): Server => {
    const server = createServer((request, response) => {
      if (this.closing || request.method !== "POST" || request.url !== FAST_ROUTE || !this.plainJson(request)) handler(request, response);
      else this.read(request, response, handler);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    return server;
  };

  /** Hands declined bodies back to Fastify, and stops taking requests once the server is closing. */
  register(app: FastifyInstance): void {
    app.addHook("preParsing", (request, _reply, payload, done) => {
      const body = this.replay.get(request.raw);
      if (body === undefined) {
        done(null, payload);
        return;
      }
      this.replay.delete(request.raw);
      done(null, Readable.from([body]));
    });
    app.addHook("preClose", (done) => {
      this.closing = true;
      done();
    });
  }

  /** A JSON body of declared length within the limit: anything else is Fastify's to read and refuse. */
  private plainJson(request: IncomingMessage): boolean {
    const type = request.headers["content-type"];
    if (type === undefined || !(type === "application/json" || type.startsWith("application/json;"))) return false;
    if (request.headers["transfer-encoding"] !== undefined || request.headers["content-encoding"] !== undefined) return false;
    const length = Number(request.headers["content-length"]);
    return Number.isSafeInteger(length) && length > 0 && length <= this.bodyLimit;
  }

  private read(request: IncomingMessage, response: ServerResponse, handler: Handler): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.once("end", () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      this.fast.handle(request, response, body).then(
        (handled) => {
          if (handled) return;
          this.replay.set(request, body);
          handler(request, response);
        },
        () => {
          // The fast path declines by resolving false; a throw is a bug, so the full path answers.
          this.replay.set(request, body);
          if (!response.headersSent) handler(request, response);
        },
      );
    });
  }
}
