import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseBody } from "../../http/parse-body.js";
import { SwitchyardError } from "../../core/errors.js";
import { projectKey, type RoutingSampleStore } from "./sample-store.js";

export const feedbackBodySchema = z.object({
  /** The `x-request-id` the gateway answered the request with. */
  request_id: z.string().min(1).max(128),
  score: z.number().min(0).max(1),
  comment: z.string().max(2000).nullish(),
});

/**
 * `POST /v1/feedback`: rates an earlier response of the caller's own project. Any metered request
 * can be rated; only sampled ones (`collect_samples`) become training rows. Errors in OpenAI's format.
 */
export function feedbackRoutes(options: { store: RoutingSampleStore; flushUsage: () => Promise<void> }) {
  const { store, flushUsage } = options;
  return (app: FastifyInstance): void => {
    app.post("/v1/feedback", async (request) => {
      const body = parseBody(feedbackBodySchema, request.body);
      const { keyId, projectId } = request.principal;
      // Usage rows reach the database in batches: a request that just ended may still be in the journal.
      const known = (await store.knows(body.request_id, projectId)) || (await flushUsage().then(() => store.knows(body.request_id, projectId)));
      if (!known) {
        throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No request '${body.request_id}' of this project was found. Send the x-request-id of a response this key's project received.`, {
          param: "request_id",
        });
      }
      await store.rate({ request_id: body.request_id, project_id: projectKey(projectId), score: body.score, comment: body.comment ?? null, key_id: keyId, created_at: Date.now() });
      return { object: "feedback", request_id: body.request_id, score: body.score };
    });
  };
}
