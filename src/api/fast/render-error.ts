import type { ServerResponse } from "node:http";
import type { GatewayContext } from "../../gateway/context.js";
import type { Logger } from "../../observability/logger.js";
import { errorBody, errorHeaders, fromHttpError } from "../../http/wire-error.js";

/**
 * A failure before the response began, answered and logged as the server's error handler
 * (src/api/server.ts) does on the full path: the same status, headers, body and log line.
 */
export function renderError(response: ServerResponse, error: unknown, context: GatewayContext, logger: Logger): void {
  const failure = fromHttpError(error);
  // Fastify's request logger carries the request id as `reqId`; the fast path's lines do too.
  const log = logger.child({ reqId: context.requestId });
  if (context.signal.aborted || response.destroyed) {
    log.info({ requestId: context.requestId, code: failure.code }, "client closed the connection");
  } else if (failure.status >= 500) {
    log.error({ err: error, requestId: context.requestId, code: failure.code }, "request failed");
  } else {
    log.debug({ requestId: context.requestId, code: failure.code, message: failure.message }, "request rejected");
  }
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(errorBody(failure, "openai"));
  response.writeHead(failure.status, { "x-request-id": context.requestId, ...errorHeaders(failure), "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}
