import type { AddressInfo } from "node:net";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";

const lines: Array<Record<string, unknown>> = [];
let upstream: OpenaiEmulator;
let app: App;
let port: number;

beforeAll(async () => {
  upstream = await startOpenaiEmulator();
  const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  app = await createApp({
    logger,
    config: {
      server: { log_level: "info" },
      providers: { openai: { type: "openai", base_url: upstream.baseURL, api_key: "sk-test" } },
      models: { chat: { routes: [{ provider: "openai", model: "gpt-4o-mini" }] } },
    },
  });
  await app.server.listen({ port: 0, host: "127.0.0.1" });
  port = (app.server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

describe("a client that hangs up", () => {
  it("is logged as a closed connection, not as a gateway failure", async () => {
    upstream.faults.push({ kind: "stall", ms: 2_000 });
    await new Promise<void>((resolve) => {
      const call = request({ host: "127.0.0.1", port, method: "POST", path: "/v1/chat/completions", headers: { "content-type": "application/json" } });
      call.on("error", () => resolve());
      call.end(JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }));
      setTimeout(() => {
        call.destroy();
        resolve();
      }, 300);
    });
    await expect.poll(() => lines.some((line) => line.msg === "client closed the connection"), { timeout: 5_000 }).toBe(true);
    expect(lines.filter((line) => line.msg === "request failed")).toEqual([]);
    expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
  });
});
