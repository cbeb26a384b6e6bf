import type { FastifyRequest } from "fastify";

/**
 * The project a request acts for: its key's project. The master key and anonymous callers act for
 * `default`, where everything stored without a project lives.
 */
export function projectOf(request: FastifyRequest): string {
  return request.principal?.projectId ?? "default";
}
