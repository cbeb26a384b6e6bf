import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";

/** Paths of live model calls: batch lines give way to these. */
const LIVE_PATHS = new Set(["/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/messages", "/v1/responses"]);

/** Whether a request URL names a live model call (the path alone is looked up: a query is rare). */
function isLivePath(url: string): boolean {
  const query = url.indexOf("?");
  return LIVE_PATHS.has(query < 0 ? url : url.slice(0, query));
}

/**
 * Counts live model requests in flight, so batch lines start only when live traffic leaves room:
 * a batch line waits while `yieldAt` or more live requests are being answered.
 */
export class LiveTraffic {
  private inFlight = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly yieldAt: number) {}

  get count(): number {
    return this.inFlight;
  }

  /**
   * Counts every live model request from its first byte until its response closes (streams
   * included). It listens on the HTTP server itself, so requests the fast path answers before
   * Fastify sees them count too.
   */
  register(app: FastifyInstance): void {
    app.server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      if (request.method !== "POST" || !isLivePath(request.url ?? "")) return;
      this.inFlight++;
      // One function for every response ('close' is emitted once): no closure and no `once` wrapper per request.
      response.on("close", this.closed);
    });
  }

  private readonly closed = () => {
    this.inFlight--;
    if (this.inFlight < this.yieldAt && this.waiters.size > 0) for (const wake of [...this.waiters]) wake();
  };

  /** Resolves once live traffic leaves room for a batch line, or when `signal` aborts. */
  quiet(signal: AbortSignal): Promise<void> {
    if (this.inFlight < this.yieldAt || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
