import { toSwitchyardError } from "../../core/errors.js";
import { createTimeOrderedId } from "../../core/ids.js";
import type { StreamPart } from "../../core/types.js";
import type { GatewayContext } from "../../gateway/context.js";
import type { ChatMiddleware } from "../../gateway/pipeline.js";
import { getState } from "../../gateway/state.js";
import { routeDecisionKey } from "../../routing/auto/route-decision.js";
import { deploymentCallKey } from "../../customization/deployments/deployment-call.js";
import type { PriceBook } from "../pricing/price-book.js";
import { StreamMeter, type Measured } from "./stream-meter.js";
import type { UsageLedger } from "./usage-ledger.js";
import { utcDay, type UsageRow, type UsageStatus } from "./usage-record.js";

export interface Outcome {
  status: UsageStatus;
  httpStatus: number;
  errorCode?: string;
}

/**
 * Writes one usage row per chat request, success or failure. The row is journaled after the
 * stream's last part and before the edge writes the response's final bytes, so a client that got a
 * complete response always has its row, even if the process dies right after.
 */
export function createMeteringMiddleware(ledger: UsageLedger, prices: PriceBook): ChatMiddleware {
  const write = usageWriter(ledger, prices);
  return {
    name: "metering",
    async handle(context, next) {
      const publicModel = context.request.model;
      const startedAt = Date.now();
      let result;
      try {
        result = await next(context);
      } catch (error) {
        const failure = toSwitchyardError(error);
        await write(context, publicModel, startedAt, { status: context.signal.aborted ? "aborted" : "error", httpStatus: failure.status, errorCode: failure.code });
        throw error;
      }
      const meter = StreamMeter.of(context, prices);
      return { stream: finishing(meter.observe(result.stream), context, publicModel, startedAt) };
    },
  };

  async function* finishing(stream: AsyncIterable<StreamPart>, context: GatewayContext, publicModel: string, startedAt: number): AsyncGenerator<StreamPart> {
    let outcome: Outcome = { status: "aborted", httpStatus: 499 };
    let written = false;
    try {
      for await (const part of stream) {
        if (part.type === "error" && !written) {
          const failure = toSwitchyardError(part.error);
          // The edge ends the response when it sees this part: the row must already be journaled.
          written = true;
          await write(context, publicModel, startedAt, { status: "error", httpStatus: failure.status, errorCode: failure.code });
        }
        yield part;
      }
      // A provider may end its stream quietly when the client's hang-up aborts the upstream call.
      outcome = context.signal.aborted ? { status: "aborted", httpStatus: 499 } : { status: "success", httpStatus: 200 };
    } catch (error) {
      const failure = toSwitchyardError(error);
      outcome = { status: "error", httpStatus: failure.status, errorCode: failure.code };
      throw error;
    } finally {
      if (!written) await write(context, publicModel, startedAt, outcome);
    }
  }
}

/** Writes a request's usage row (journaled when the promise resolves); shared with the OpenAI edge's fast path. */
export function usageWriter(ledger: UsageLedger, prices: PriceBook): (context: GatewayContext, publicModel: string, startedAt: number, outcome: Outcome) => Promise<void> {
  const record = (context: GatewayContext, publicModel: string, startedAt: number, outcome: Outcome, measured: Measured) =>
    ledger.record(usageRow(context, publicModel, startedAt, outcome, measured));
  return function write(context, publicModel, startedAt, outcome) {
    const meter = StreamMeter.of(context, prices);
    try {
      // Provider-reported usage needs no count: the row is queued in this turn, without an await.
      const now = meter.measuredNow();
      if (now) return record(context, publicModel, startedAt, outcome, now);
    } catch (error) {
      return Promise.reject(error);
    }
    return meter.measure().then((measured) => record(context, publicModel, startedAt, outcome, measured));
  };
}

function usageRow(context: GatewayContext, publicModel: string, startedAt: number, outcome: Outcome, measured: Measured): UsageRow {
  const route = context.route;
  const decision = getState(context, routeDecisionKey);
  return {
    id: createTimeOrderedId("usg_", 20, startedAt),
    request_id: context.requestId,
    created_at: startedAt,
    day: utcDay(startedAt),
    key_id: context.principal.keyId,
    project_id: context.principal.projectId ?? null,
    api: context.api,
    model: publicModel,
    provider: route?.provider ?? null,
    provider_type: route?.providerType ?? null,
    upstream_model: route?.model ?? null,
    input_tokens: measured.inputTokens,
    output_tokens: measured.outputTokens,
    cached_input_tokens: measured.cachedInputTokens,
    estimated: measured.estimated ? 1 : 0,
    cost_usd: measured.costUsd,
    latency_ms: Math.round(performance.now() - context.startedAt),
    ttft_ms: measured.ttftMs ?? null,
    status: outcome.status,
    http_status: outcome.httpStatus,
    error_code: outcome.errorCode ?? null,
    stream: context.stream ? 1 : 0,
    router_decision: decision === undefined ? null : JSON.stringify(decision),
    deployment_variant: getState(context, deploymentCallKey)?.label ?? null,
  };
}
