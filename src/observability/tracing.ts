import { SpanKind, SpanStatusCode, type Span, type Tracer } from "@opentelemetry/api";
import { toSwitchyardError } from "../core/errors.js";
import type { GatewayContext } from "../gateway/context.js";
import type { TelemetryConfig } from "./config-schema.js";
import type { RequestFacts } from "./request-facts.js";
import { isCacheHit } from "../cache/cache-hit.js";

/** Spans for model calls, named and attributed after the OpenTelemetry GenAI semantic conventions. */
export interface ChatTracer {
  start(context: GatewayContext): Span;
  end(span: Span, context: GatewayContext, facts: RequestFacts, error?: unknown): void;
  shutdown(): Promise<void>;
}

/**
 * Undefined when no OTLP endpoint is configured: tracing then costs nothing on the request path, and
 * the SDK and exporter (about 15 MB resident) are never loaded.
 */
export async function createChatTracer(config: TelemetryConfig | undefined): Promise<ChatTracer | undefined> {
  if (!config?.otlp_endpoint) return undefined;
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BasicTracerProvider, BatchSpanProcessor, TraceIdRatioBasedSampler }] = await Promise.all([
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-base"),
  ]);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.service_name }),
    sampler: new TraceIdRatioBasedSampler(config.sample_ratio),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlp_endpoint, headers: config.headers }))],
  });
  // Not registered globally: several apps in one process each keep their own provider.
  const tracer: Tracer = provider.getTracer("switchyard");
  return {
    start(context) {
      const request = context.request;
      return tracer.startSpan(`chat ${request.model}`, {
        kind: SpanKind.CLIENT,
        attributes: definedOnly({
          "gen_ai.operation.name": "chat",
          "gen_ai.request.model": request.model,
          "gen_ai.request.temperature": request.temperature,
          "gen_ai.request.top_p": request.topP,
          "gen_ai.request.top_k": request.topK,
          "gen_ai.request.max_tokens": request.maxOutputTokens,
          "gen_ai.request.seed": request.seed,
          "gen_ai.request.presence_penalty": request.presencePenalty,
          "gen_ai.request.frequency_penalty": request.frequencyPenalty,
          "gen_ai.request.stop_sequences": request.stopSequences,
          "switchyard.request_id": context.requestId,
          "switchyard.stream": context.stream,
          "switchyard.api": context.api,
        }),
      });
    },
    end(span, context, facts, error) {
      const route = context.route;
      span.setAttributes(
        definedOnly({
          "gen_ai.system": route?.providerType,
          "gen_ai.provider.name": route?.providerType,
          "switchyard.provider": route?.provider,
          "gen_ai.response.model": route?.model,
          "gen_ai.response.finish_reasons": facts.finishReason ? [facts.finishReason] : undefined,
          "gen_ai.usage.input_tokens": facts.usage?.inputTokens,
          "gen_ai.usage.output_tokens": facts.usage?.outputTokens,
          "switchyard.attempts": context.attempts.length,
          "switchyard.cache_hit": isCacheHit(context) ? true : undefined,
          "switchyard.cost_usd": facts.costUsd,
          "switchyard.time_to_first_token_ms":
            facts.firstTokenAt === undefined ? undefined : Math.round((facts.firstTokenAt - context.startedAt) * 1000) / 1000,
        }),
      );
      const code = error === undefined ? facts.streamError : toSwitchyardError(error).code;
      if (code !== undefined) {
        span.setAttribute("error.type", code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      }
      span.end();
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}

type AttributeValue = string | number | boolean | string[];

function definedOnly(attributes: Record<string, AttributeValue | undefined>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}
