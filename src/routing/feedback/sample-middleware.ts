import type { StreamPart } from "../../core/types.js";
import type { GatewayContext } from "../../gateway/context.js";
import type { ChatMiddleware } from "../../gateway/pipeline.js";
import { getState } from "../../gateway/state.js";
import type { Logger } from "../../observability/logger.js";
import { routingText } from "../auto/request-text.js";
import { routeDecisionKey, type RouteDecision } from "../auto/route-decision.js";
import type { ModelRegistry } from "../model-registry.js";
import { answeringTier } from "./answering-tier.js";
import { projectKey, type RoutingSample, type RoutingSampleStore } from "./sample-store.js";
import { EVALUATION_HEADER } from "../../evaluations/marks.js";

/**
 * Stores a routing sample for each successful request of a `type: auto` model with
 * `collect_samples: true`. It sits innermost, next to routing, so it sees the request exactly as
 * the router scored it (after guardrail masking) and a cache hit, which was never routed, stores
 * nothing. The row is written before the stream ends, and the edge ends the response only then,
 * so feedback sent as soon as the response arrives finds it; a failed write is logged and never
 * fails the request.
 */
export function createSampleMiddleware(options: { store: RoutingSampleStore; models: ModelRegistry; logger: Logger }): ChatMiddleware {
  const { store, models, logger } = options;
  return {
    name: "routing-samples",
    async handle(context, next) {
      const result = await next(context);
      // Evaluation calls are measurements, scored by the evaluation itself; they are no traffic to learn from.
      if (context.headers?.[EVALUATION_HEADER] !== undefined) return result;
      const decision = getState(context, routeDecisionKey);
      const auto = decision && models.get(decision.autoModel)?.auto;
      if (!decision || !auto?.collectSamples) return result;
      const text = routingText(context.request).text;
      return { stream: sampling(result.stream, context, () => sampleOf(context, decision, text)) };
    },
  };

  function sampleOf(context: GatewayContext, decision: RouteDecision, prompt: string): RoutingSample | undefined {
    const auto = models.get(decision.autoModel)?.auto;
    const answered = auto && answeringTier(context, decision, auto, models);
    if (!answered) return undefined;
    return {
      request_id: context.requestId,
      project_id: projectKey(context.principal.projectId),
      created_at: Date.now(),
      auto_model: decision.autoModel,
      model: answered.model,
      tier: answered.tier,
      score: decision.score,
      key_id: context.principal.keyId,
      prompt,
    };
  }

  async function* sampling(stream: AsyncIterable<StreamPart>, context: GatewayContext, sample: () => RoutingSample | undefined): AsyncGenerator<StreamPart> {
    let failed = false;
    for await (const part of stream) {
      if (part.type === "error") failed = true;
      yield part;
    }
    if (failed || context.signal.aborted) return;
    const row = sample();
    if (!row) return;
    try {
      await store.addSample(row);
    } catch (error) {
      logger.warn({ err: error, requestId: context.requestId }, "routing sample not stored");
    }
  }
}
