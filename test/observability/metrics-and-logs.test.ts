import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { reportCircuitState, reportQueueDepth, forgetMetricSource } from "../../src/observability/hooks.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";

/** A pino logger whose lines land in an array, to check the request log. */
function capturingLogger(level: string) {
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level, base: undefined }, sink), lines };
}

describe("request log and /metrics", () => {
  let emulator: OpenaiEmulator;
  let app: App;
  const captured = capturingLogger("info");

  beforeAll(async () => {
    emulator = await startOpenaiEmulator();
    app = await createApp({
      logger: captured.logger,
      env: { SWITCHYARD_MASTER_KEY: "sk-master" },
      config: {
        providers: {
          emu: { type: "openai", base_url: emulator.baseURL, api_key: "none" },
          down: { type: "openai", base_url: "http://127.0.0.1:1/v1", api_key: "none" },
        },
        models: {
          chat: { routes: [{ provider: "emu", model: "gpt-4o-mini" }] },
          flaky: { routes: [{ provider: "down", model: "x" }, { provider: "emu", model: "gpt-4o-mini" }] },
        },
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  const headers = { authorization: "Bearer sk-master", "content-type": "application/json" };
  const chat = (model: string, stream: boolean, extra: Record<string, string> = {}) =>
    app.server.inject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { ...headers, ...extra },
      payload: { model, stream, messages: [{ role: "user", content: "one two three" }], ...(stream && { stream_options: { include_usage: true } }) },
    });

  it("logs one line per request with id, model, provider, status, duration and tokens", async () => {
    const response = await chat("chat", false, { "x-request-id": "req-log-1" });
    expect(response.statusCode).toBe(200);
    const line = captured.lines.find((entry) => entry.requestId === "req-log-1");
    expect(line).toMatchObject({
      level: 30,
      msg: "request completed",
      method: "POST",
      path: "/v1/chat/completions",
      status: 200,
      model: "chat",
      provider: "emu",
      upstreamModel: "gpt-4o-mini",
      stream: false,
      keyId: "master",
    });
    expect(line!.inputTokens).toBeGreaterThan(0);
    expect(line!.outputTokens).toBeGreaterThan(0);
    expect(typeof line!.durationMs).toBe("number");
    expect(captured.lines.filter((entry) => entry.requestId === "req-log-1")).toHaveLength(1);
  });

  it("logs streamed requests when the stream ends, with time to first token", async () => {
    const response = await chat("chat", true, { "x-request-id": "req-log-2" });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("data: [DONE]");
    const line = captured.lines.find((entry) => entry.requestId === "req-log-2");
    expect(line).toMatchObject({ status: 200, stream: true, provider: "emu", finishReason: "stop" });
    expect(line!.ttftMs).toBeGreaterThanOrEqual(0);
    expect(line!.outputTokens).toBeGreaterThan(0);
  });

  it("logs rejected requests too (before authentication)", async () => {
    const response = await app.server.inject({ method: "POST", url: "/v1/chat/completions", headers: { "x-request-id": "req-log-3" }, payload: {} });
    expect(response.statusCode).toBe(401);
    expect(captured.lines.find((entry) => entry.requestId === "req-log-3")).toMatchObject({ status: 401, path: "/v1/chat/completions" });
  });

  it("logs failed attempts of a fallback and counts upstream errors by provider", async () => {
    const response = await chat("flaky", false, { "x-request-id": "req-log-4" });
    expect(response.statusCode).toBe(200);
    const line = captured.lines.find((entry) => entry.requestId === "req-log-4");
    expect(line!.attempts).toHaveLength(2);
    expect(line!.attempts[0]).toMatchObject({ provider: "down", error: "SWY_ERR_UPSTREAM_UNAVAILABLE" });
    const metrics = await app.server.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/switchyard_upstream_errors_total\{provider="down",status="none",code="SWY_ERR_UPSTREAM_UNAVAILABLE"\} 1/);
  });

  it("exposes Prometheus metrics: requests, latency, TTFT, tokens and hook gauges", async () => {
    reportCircuitState("emu", "open");
    reportQueueDepth("tiny-local", () => 3);
    const response = await app.server.inject({ method: "GET", url: "/metrics" });
    forgetMetricSource("emu");
    forgetMetricSource("tiny-local");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    const body = response.body;
    expect(body).toMatch(/switchyard_chat_requests_total\{model="chat",provider="emu",stream="false",outcome="ok"\} 1/);
    expect(body).toMatch(/switchyard_chat_requests_total\{model="chat",provider="emu",stream="true",outcome="ok"\} 1/);
    expect(body).toMatch(/switchyard_chat_duration_seconds_count\{model="chat",provider="emu",stream="false"\} 1/);
    expect(body).toMatch(/switchyard_chat_time_to_first_token_seconds_count\{model="chat",provider="emu"\} [1-9]/);
    expect(body).toMatch(/switchyard_tokens_total\{model="chat",provider="emu",type="input"\} [1-9]/);
    expect(body).toMatch(/switchyard_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="401"\} 1/);
    expect(body).toMatch(/switchyard_circuit_state\{provider="emu"\} 2/);
    expect(body).toMatch(/switchyard_local_queue_depth\{model="tiny-local"\} 3/);
    expect(body).toContain("switchyard_process_resident_memory_bytes");
  });

  it("does not use caller-chosen model names as label values", async () => {
    const response = await chat("no-such-model-xyz", false);
    expect(response.statusCode).toBe(404);
    const body = (await app.server.inject({ method: "GET", url: "/metrics" })).body;
    expect(body).not.toContain("no-such-model-xyz");
    expect(body).toMatch(/switchyard_chat_requests_total\{model="unresolved",provider="none",stream="false",outcome="404"\} 1/);
  });
});

describe("log level from config", () => {
  it("server.log_level silences the info request log", async () => {
    const { createLogger } = await import("../../src/observability/logger.js");
    const logger = createLogger("warn");
    expect(logger.isLevelEnabled("info")).toBe(false);
    const app = await createApp({ env: {}, config: { server: { log_level: "warn" } } });
    expect(app.runtime.logger.level).toBe("warn");
    await app.close();
  });

  it("telemetry.metrics: false removes /metrics", async () => {
    const app = await createApp({ env: {}, logger: capturingLogger("silent").logger, config: { telemetry: { metrics: false } } });
    const response = await app.server.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(404);
    await app.close();
  });
});
