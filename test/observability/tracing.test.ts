import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number; arrayValue?: unknown };
}
interface OtlpSpan {
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
  status?: { code?: number };
}

/** A loopback OTLP/HTTP collector that keeps the spans it receives (JSON encoding). */
async function startCollector() {
  const spans: OtlpSpan[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans.push(...scope.spans);
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { spans, url: `http://127.0.0.1:${port}/v1/traces`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((item) => item.key === key)?.value;
  if (!value) return undefined;
  return value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.boolValue ?? value.doubleValue ?? value.arrayValue;
};

describe("OpenTelemetry GenAI spans", () => {
  let emulator: OpenaiEmulator;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  beforeAll(async () => {
    emulator = await startOpenaiEmulator();
    collector = await startCollector();
  });
  afterAll(async () => {
    await collector.close();
    await emulator.close();
  });

  it("exports one client span per chat call with gen_ai.* attributes", async () => {
    const app = await createApp({
      logger: createLogger("silent"),
      env: {},
      config: {
        providers: { emu: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
        models: { chat: { routes: [{ provider: "emu", model: "gpt-4o-mini" }] } },
        telemetry: { otlp_endpoint: collector.url },
      },
    });
    const ok = await app.server.inject({
      method: "POST",
      url: "/v1/chat/completions",
      payload: { model: "chat", messages: [{ role: "user", content: "trace this" }], temperature: 0.25, max_tokens: 50 },
    });
    expect(ok.statusCode).toBe(200);
    emulator.faults.push({ kind: "status", status: 400, message: "bad" });
    const failed = await app.server.inject({ method: "POST", url: "/v1/chat/completions", payload: { model: "chat", messages: [{ role: "user", content: "x" }] } });
    expect(failed.statusCode).toBe(400);
    await app.close();

    expect(collector.spans).toHaveLength(2);
    const [span, failedSpan] = collector.spans as [OtlpSpan, OtlpSpan];
    expect(span.name).toBe("chat chat");
    expect(span.kind).toBe(3);
    expect(attribute(span, "gen_ai.operation.name")).toBe("chat");
    expect(attribute(span, "gen_ai.system")).toBe("openai");
    expect(attribute(span, "gen_ai.request.model")).toBe("chat");
    expect(attribute(span, "gen_ai.response.model")).toBe("gpt-4o-mini");
    expect(attribute(span, "gen_ai.request.temperature")).toBe(0.25);
    expect(attribute(span, "gen_ai.request.max_tokens")).toBe(50);
    expect(attribute(span, "gen_ai.usage.input_tokens")).toBeGreaterThan(0);
    expect(attribute(span, "gen_ai.usage.output_tokens")).toBeGreaterThan(0);
    expect(attribute(failedSpan, "error.type")).toBe("SWY_ERR_UPSTREAM_BAD_REQUEST");
    expect(failedSpan.status?.code).toBe(2);
  });
});
