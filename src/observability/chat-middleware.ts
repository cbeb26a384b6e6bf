import type { Span } from "@opentelemetry/api";
import { toSwitchyardError } from "../core/errors.js";
import type { StreamPart } from "../core/types.js";
import type { GatewayContext } from "../gateway/context.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import { requestFacts, type RequestFacts } from "./request-facts.js";
import type { ChatTracer } from "./tracing.js";

/**
 * Watches each chat stream go by (time to first token, usage, finish reason, late failures) for the
 * request log, /metrics and traces. It never changes a part, and adds one generator hop per request.
 */
export function createObservabilityMiddleware(options: { tracer?: ChatTracer } = {}): ChatMiddleware {
  const tracer = options.tracer;
  return {
    name: "observability",
    async handle(context, next) {
      const facts = requestFacts(context);
      const span = tracer?.start(context);
      let result;
      try {
        result = await next(context);
      } catch (error) {
        if (span) tracer!.end(span, context, facts, error);
        throw error;
      }
      return { stream: observe(result.stream, context, facts, tracer, span) };
    },
  };
}

async function* observe(
  stream: AsyncIterable<StreamPart>,
  context: GatewayContext,
  facts: RequestFacts,
  tracer: ChatTracer | undefined,
  span: Span | undefined,
): AsyncGenerator<StreamPart> {
  try {
    for await (const part of stream) {
      noteFact(facts, part);
      yield part;
    }
  } finally {
    if (span) tracer!.end(span, context, facts);
  }
}

/** What one part tells the request log and metrics; the OpenAI edge's fast path calls it per part too. */
export function noteFact(facts: RequestFacts, part: StreamPart): void {
  switch (part.type) {
    case "text-delta":
    case "reasoning-delta":
    case "tool-call-start":
      facts.firstTokenAt ??= performance.now();
      break;
    case "usage":
      facts.usage = part.usage;
      break;
    case "finish":
      facts.finishReason = part.reason.unified;
      break;
    case "error":
      facts.streamError = toSwitchyardError(part.error).code;
      break;
    case "response-metadata":
    case "tool-call-delta":
    case "tool-call-end":
    case "warning":
      break;
  }
}
