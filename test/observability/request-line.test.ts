import { pino, type DestinationStream } from "pino";
import { describe, expect, it } from "vitest";
import { createLogger, type Logger } from "../../src/observability/logger.js";
import { writeRequestLine } from "../../src/observability/request-line.js";
import { observeRequest } from "../../src/observability/request-log.js";
import { requestFacts } from "../../src/observability/request-facts.js";
import { cacheHitKey } from "../../src/cache/cache-hit.js";
import type { GatewayContext } from "../../src/gateway/context.js";
import type { ServerResponse } from "node:http";

/** A destination that keeps every line written to it, synchronously. */
function capture(): DestinationStream & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

const FIELDS: Array<Record<string, unknown>> = [
  { requestId: "req_abc", method: "POST", path: "/v1/chat/completions", status: 200, durationMs: 1.234, keyId: "master", model: "bench", stream: true },
  {
    requestId: 'req_"quoted"\\back',
    method: "POST",
    path: "/v1/chat/completions",
    status: 502,
    durationMs: 12.5,
    aborted: true,
    keyId: "key_1",
    model: "modèle ✓ \u0001 \n tab\t",
    stream: false,
    provider: "up",
    upstreamModel: "a-very-long-upstream-model-name-of-more-than-forty-two-characters-\u0007",
    inputTokens: 12,
    outputTokens: 0,
    ttftMs: Number.NaN,
    costUsd: Number.POSITIVE_INFINITY,
    finishReason: undefined,
    error: "SWY_ERR_STREAM_INTERRUPTED",
    cache: "hit",
    attempts: [
      { provider: "a", model: "m", error: "SWY_ERR_UPSTREAM", status: 503, durationMs: 3.25 },
      { provider: "b", model: "m", durationMs: 1 },
    ],
  },
  { requestId: "req_x", method: "GET", path: "/health", status: 200, durationMs: 0.1, headers: { authorization: "Bearer sk-secret" } },
];

/** The same fields through pino's own `logger[level]` and through the request line, on twin loggers. */
function both(make: (destination: DestinationStream) => Logger, level: "info" | "debug" = "info"): Array<[string, string]> {
  const viaPino = capture();
  const viaLine = capture();
  const pinoLogger = make(viaPino);
  const lineLogger = make(viaLine);
  for (const fields of FIELDS) {
    pinoLogger[level]({ ...fields }, "request completed");
    writeRequestLine(lineLogger, level, { ...fields }, "request completed");
  }
  expect(viaLine.lines).toHaveLength(viaPino.lines.length);
  return viaPino.lines.map((line, index) => [line, viaLine.lines[index]!]);
}

describe("the request log line", () => {
  it("writes the bytes pino writes, with the gateway's logger (redaction included) and on a child with bindings", () => {
    // Times differ between the two writes; everything else must be equal.
    const untimed = (line: string) => line.replace(/,"time":\d+/, ',"time":0');
    for (const [viaPino, viaLine] of both((destination) => createLogger("info", destination))) expect(untimed(viaLine)).toBe(untimed(viaPino));
    for (const [viaPino, viaLine] of both((destination) => createLogger("debug", destination).child({ node: "n1", region: "eu" }), "debug")) {
      expect(untimed(viaLine)).toBe(untimed(viaPino));
    }
    const [, redacted] = both((destination) => createLogger("info", destination))[2]!;
    expect(redacted).toContain('"authorization":"[redacted]"');
    expect(redacted).not.toContain("sk-secret");
  });

  it("follows a logger's own time, level labels and message key, and leaves mixins and serializers to pino", () => {
    const fixed = () => ',"time":"then"';
    const options = [
      { timestamp: fixed, messageKey: "message", formatters: { level: (label: string) => ({ severity: label.toUpperCase() }) } },
      { timestamp: fixed, mixin: () => ({ extra: 1 }) },
      { timestamp: fixed, serializers: { model: (value: string) => value.toUpperCase() } },
      { timestamp: fixed, redact: ["attempts"] },
      { timestamp: fixed, msgPrefix: "[gw] " },
    ];
    for (const option of options) {
      for (const [viaPino, viaLine] of both((destination) => pino(option, destination))) expect(viaLine).toBe(viaPino);
    }
  });

  it("leaves a line JSON cannot encode to pino", () => {
    const circular: Record<string, unknown> = { provider: "a" };
    circular.self = circular;
    const fields = { requestId: "r", attempts: [circular], big: 1n };
    const viaPino = capture();
    const viaLine = capture();
    pino({ timestamp: false }, viaPino).info({ ...fields }, "request completed");
    writeRequestLine(pino({ timestamp: false }, viaLine), "info", { ...fields }, "request completed");
    expect(viaLine.lines).toEqual(viaPino.lines);
    expect(viaLine.lines[0]).toContain('"requestId":"r"');
  });

  it("assembles the line itself for the gateway's logger, and uses pino's own assembly only where configuration needs it", () => {
    const refuse = (logger: Logger) => {
      (logger as unknown as Record<symbol, unknown>)[pino.symbols.asJsonSym] = () => {
        throw new Error("pino's assembly was used");
      };
      return logger;
    };
    const written = capture();
    writeRequestLine(refuse(createLogger("info", written)), "info", { ...FIELDS[0] }, "request completed");
    expect(written.lines).toHaveLength(1);
    expect(() => writeRequestLine(refuse(pino({ mixin: () => ({ extra: 1 }) }, capture())), "info", { ...FIELDS[0] }, "request completed")).toThrow(
      "pino's assembly was used",
    );
  });

  it("carries a request's fields in the documented order", () => {
    const context = {
      requestId: "req_order",
      api: "openai",
      operation: "chat",
      request: { model: "chat", messages: [] },
      stream: true,
      signal: new AbortController().signal,
      startedAt: 10,
      principal: { keyId: "key_1" },
      responseHeaders: { "x-switchyard-guardrails-routed": "local", "x-switchyard-cache": "semantic-hit" },
      route: { provider: "emu", providerType: "openai", model: "gpt-4o-mini" },
      attempts: [
        { provider: "down", model: "x", error: "SWY_ERR_UPSTREAM_UNAVAILABLE", durationMs: 1.23456 },
        { provider: "emu", model: "gpt-4o-mini", status: 200, durationMs: 2 },
      ],
      state: new Map(),
    } as unknown as GatewayContext;
    Object.assign(requestFacts(context), { usage: { inputTokens: 3, outputTokens: 4 }, firstTokenAt: 12.5, costUsd: 0.25, finishReason: "stop", streamError: "SWY_ERR_STREAM_INTERRUPTED" });
    context.state.set(cacheHitKey, true);
    const written = capture();
    const response = { writableEnded: false, statusCode: 200 } as ServerResponse;
    observeRequest({ id: "req_order", method: "POST", url: "/v1/chat/completions?a=b", route: "/v1/chat/completions", principal: context.principal, context }, response, performance.now(), createLogger("info", written), undefined);
    const line = JSON.parse(written.lines[0]!) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(["level", "time", "requestId", "method", "path", "status", "durationMs", "aborted", "keyId", "model", "stream", "provider", "upstreamModel", "inputTokens", "outputTokens", "ttftMs", "costUsd", "guardrailsRouted", "finishReason", "error", "cache", "attempts", "msg"]);
    expect(line).toMatchObject({ path: "/v1/chat/completions", ttftMs: 2.5, guardrailsRouted: "local", cache: "semantic-hit" });
    expect(line.attempts).toEqual([
      { provider: "down", model: "x", error: "SWY_ERR_UPSTREAM_UNAVAILABLE", durationMs: 1.235 },
      { provider: "emu", model: "gpt-4o-mini", status: 200, durationMs: 2 },
    ]);
  });
});
