import { z } from "zod";
import type { RouteRegistrar } from "../http/route-registrar.js";
import { parseBody, parseParam } from "../http/parse-body.js";
import { projectOf } from "../http/project-of.js";
import type { BatchService } from "./batch-service.js";
import type { LiveTraffic } from "./live-traffic.js";

export const batchListQuerySchema = z
  .object({
    after: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

const batchId = z.string().min(1).max(128);

/** OpenAI's Batches API, scoped to the caller's project; also counts live traffic, which batch lines give way to. */
export function batchRoutes(service: BatchService, live: LiveTraffic): RouteRegistrar {
  return (app) => {
    live.register(app);
    app.post("/v1/batches", async (request) => service.create(request.principal, projectOf(request), request.body));
    app.get("/v1/batches", async (request) => service.list(projectOf(request), parseBody(batchListQuerySchema, { ...(request.query as Record<string, unknown>) })));
    app.get<{ Params: { id: string } }>("/v1/batches/:id", async (request) => service.get(projectOf(request), parseParam(batchId, request.params.id, "batch_id")));
    app.post<{ Params: { id: string } }>("/v1/batches/:id/cancel", async (request) => service.cancel(projectOf(request), parseParam(batchId, request.params.id, "batch_id")));
  };
}
