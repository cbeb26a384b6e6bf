import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { SwitchyardError } from "../core/errors.js";
import type { Gateway } from "../gateway/gateway.js";
import { parseParam } from "../http/parse-body.js";
import { projectOf } from "../http/project-of.js";
import { SSE_HEADERS } from "../api/sse.js";
import { createResponse } from "./create-response.js";
import type { StoredInputItem } from "./input-items.js";
import { replayEvents } from "./replay.js";
import type { ResponseStore } from "./store.js";

const idSchema = z.string().min(1).max(128);
export const inputItemsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(["asc", "desc"]).default("desc"),
  after: z.string().min(1).optional(),
});
export const retrieveQuerySchema = z.object({
  /** `true` replays the stored response as the event stream it was sent as. */
  stream: z.enum(["true", "false"]).optional(),
  /** With `stream`: only the events after this sequence number (resuming a dropped stream). */
  starting_after: z.coerce.number().int().min(-1).optional(),
});

type WithId = { Params: { id: string } };

/** Another project's response reads exactly like one that never existed. */
function notFound(id: string): SwitchyardError {
  return new SwitchyardError("SWY_ERR_NOT_FOUND", `Response with id '${id}' not found.`);
}

/** `/v1/responses`: create, retrieve, delete and input items, all within the caller's project. */
export function responsesRoutes(store: ResponseStore) {
  return (app: FastifyInstance, gateway: Gateway): void => {
    app.post("/v1/responses", (request, reply) => createResponse(request, reply, gateway, store));

    app.get<WithId>("/v1/responses/:id", async (request, reply) => {
      const id = parseParam(idSchema, request.params.id, "response_id");
      const query = parseParam(retrieveQuerySchema, request.query ?? {}, "query");
      const stored = await store.get(projectOf(request), id);
      if (!stored) throw notFound(id);
      if (query.stream !== "true") return stored.response;
      const after = query.starting_after ?? -1;
      const frames = replayEvents(stored.response)
        .filter((event) => Number(event.sequence_number) > after)
        .map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
        .join("");
      return reply.headers(SSE_HEADERS).send(frames);
    });

    app.delete<WithId>("/v1/responses/:id", async (request) => {
      const id = parseParam(idSchema, request.params.id, "response_id");
      if (!(await store.delete(projectOf(request), id))) throw notFound(id);
      return { id, object: "response", deleted: true };
    });

    app.get<WithId>("/v1/responses/:id/input_items", async (request) => {
      const id = parseParam(idSchema, request.params.id, "response_id");
      const query = parseParam(inputItemsQuerySchema, request.query ?? {}, "query");
      const stored = await store.get(projectOf(request), id);
      if (!stored) throw notFound(id);
      return listPage(stored.inputItems, query);
    });
  };
}

function listPage(items: readonly StoredInputItem[], query: z.infer<typeof inputItemsQuerySchema>): Record<string, unknown> {
  const ordered = query.order === "asc" ? [...items] : [...items].reverse();
  let start = 0;
  if (query.after !== undefined) {
    const at = ordered.findIndex((item) => item.id === query.after);
    if (at < 0) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `No input item with id '${query.after}' in this response.`, { param: "after" });
    start = at + 1;
  }
  const data = ordered.slice(start, start + query.limit);
  return { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + query.limit < ordered.length };
}
