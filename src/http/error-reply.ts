import type { FastifyReply } from "fastify";
import type { SwitchyardError } from "../core/errors.js";
import { errorBody, errorHeaders, type WireFormat } from "./wire-error.js";

/** Which wire format a path's errors use. */
export function wireFormatFor(url: string): WireFormat {
  return url.startsWith("/v1/messages") ? "anthropic" : "openai";
}

/** Sends a catalogued error in the wire format of the path it answers. */
export function sendError(reply: FastifyReply, failure: SwitchyardError, url: string): FastifyReply {
  return reply.code(failure.status).headers(errorHeaders(failure)).send(errorBody(failure, wireFormatFor(url)));
}
