import { SwitchyardError } from "../core/errors.js";
import type { ChatRequest, CompletionRequest, EmbeddingRequest, EmbeddingResponse, StreamPart } from "../core/types.js";
import type { ModelEntry, Route } from "../routing/model-registry.js";
import type { GatewayContext, Operation, Principal } from "./context.js";
import { composeChat, type ChatMiddleware } from "./pipeline.js";

/** What a plain call needs from the gateway: the caller-checked route plan of the (aliased) model. */
export type ResolveForCall = (publicModel: string, principal: Principal, user: string | undefined) => ModelEntry;

export interface CallMeta {
  requestId: string;
  principal: Principal;
  signal: AbortSignal;
  headers?: Readonly<Record<string, string | string[] | undefined>>;
}

export interface CompletionCall {
  stream: AsyncIterable<StreamPart>;
  provider: string;
  model: string;
  /** Rate-limit and budget headers for the client response. */
  responseHeaders: Record<string, string>;
}

/**
 * Embeddings and text completions are not chats, but they spend tokens and money all the same: they
 * run through the same call middleware (limits, metering, guardrails) as chat, their texts carried as
 * a one-message request so the reservation estimate and the usage row are computed the same way, and
 * the context's `operation` says which call it is (an embedding reserves no output, guardrails name
 * `input[i]` or `prompt` rather than `messages[0]`). The provider is
 * called with the texts as the middleware left them (guardrails may have masked them): each input
 * is one text part of that message, in order.
 */
export class PlainCalls {
  constructor(
    private readonly middlewares: readonly ChatMiddleware[],
    private readonly resolve: ResolveForCall,
  ) {}

  async embed(request: EmbeddingRequest, meta: CallMeta): Promise<EmbeddingResponse & { responseHeaders: Record<string, string> }> {
    let answer: EmbeddingResponse | undefined;
    const context = this.context({ model: request.model, messages: textMessages(request.input), user: request.user }, meta, false, "embeddings");
    const handler = composeChat(this.middlewares, async (ctx) => {
      const entry = this.resolve(request.model, ctx.principal, request.user);
      const input = textsOf(ctx.request, request.input.length);
      const { route, value } = await firstAccepting(
        entry,
        (route) => route.provider.embed?.({ ...request, input, model: route.model }, { signal: meta.signal, requestId: meta.requestId }),
        meta.signal,
        () => new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The model '${request.model}' does not support embeddings.`, { param: "model" }),
      );
      answer = value;
      ctx.route = describe(route);
      return { stream: once([{ type: "usage", usage: value.usage }, { type: "finish", reason: { unified: "stop" } }]) };
    });
    const result = await handler(context);
    // Draining the stream is what settles limits and writes the usage row.
    for await (const part of result.stream) if (part.type === "error") throw part.error;
    if (!answer) throw new SwitchyardError("SWY_ERR_INTERNAL", "The embedding call ended without an answer.");
    return { ...answer, responseHeaders: context.responseHeaders };
  }

  async complete(request: CompletionRequest, meta: CallMeta, stream: boolean): Promise<CompletionCall> {
    const context = this.context({ model: request.model, messages: textMessages([request.prompt]), maxOutputTokens: request.maxOutputTokens, user: request.user }, meta, stream, "completions");
    const handler = composeChat(this.middlewares, async (ctx) => {
      // The guardrails may have pointed the call at the local model (`route_local`).
      const entry = this.resolve(ctx.request.model, ctx.principal, request.user);
      const [prompt] = textsOf(ctx.request, 1) as [string];
      const { route, value } = await firstAccepting(
        entry,
        (route) => route.provider.complete?.({ ...request, prompt, model: route.model }, { signal: meta.signal, requestId: meta.requestId, stream: true }),
        meta.signal,
        () => new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The model '${request.model}' does not serve /v1/completions; use /v1/chat/completions.`, { param: "model" }),
      );
      ctx.route = describe(route);
      return { stream: value };
    });
    const result = await handler(context);
    return { stream: result.stream, provider: context.route?.provider ?? "", model: context.route?.model ?? request.model, responseHeaders: context.responseHeaders };
  }

  private context(request: ChatRequest, meta: CallMeta, stream: boolean, operation: Exclude<Operation, "chat">): GatewayContext {
    return {
      requestId: meta.requestId,
      api: "openai",
      operation,
      request,
      stream,
      signal: meta.signal,
      startedAt: performance.now(),
      principal: meta.principal,
      responseHeaders: {},
      attempts: [],
      state: new Map(),
      headers: meta.headers,
    };
  }
}

function textMessages(texts: readonly string[]): ChatRequest["messages"] {
  return [{ role: "user", content: texts.map((text) => ({ type: "text" as const, text })) }];
}

/** The texts of the one-message request, as the middleware left them. */
function textsOf(request: ChatRequest, expected: number): string[] {
  const texts = request.messages.flatMap((message) => (message.role === "user" ? message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])) : []));
  if (texts.length !== expected) throw new SwitchyardError("SWY_ERR_INTERNAL", `A middleware changed the number of inputs of a plain call (${expected} -> ${texts.length}).`);
  return texts;
}

function describe(route: Route): NonNullable<GatewayContext["route"]> {
  return { provider: route.provider.name, providerType: route.provider.type, model: route.model };
}

async function* once(parts: StreamPart[]): AsyncGenerator<StreamPart> {
  yield* parts;
}

/** Tries the model's routes in order; retryable failures (busy, model missing) fall through to the next. */
async function firstAccepting<T>(
  entry: ModelEntry,
  call: (route: Route) => Promise<T> | undefined,
  signal: AbortSignal,
  unsupported: () => SwitchyardError,
): Promise<{ route: Route; value: T }> {
  let lastError: unknown;
  for (const route of entry.routes) {
    const pending = call(route);
    if (pending === undefined) continue;
    try {
      return { route, value: await pending };
    } catch (error) {
      lastError = error;
      if (!(error instanceof SwitchyardError) || !error.retryable || signal.aborted) throw error;
    }
  }
  throw lastError ?? unsupported();
}
