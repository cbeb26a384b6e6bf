import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe("log redaction", () => {
  it("censors secrets one level down, in headers, and in child bindings, leaving the caller's objects untouched", () => {
    const { logger, lines } = capture();
    const request = { method: "POST", authorization: "Bearer sk-1", headers: { authorization: "Bearer sk-2", "x-api-key": "sk-3", accept: "*/*" } };
    const provider = { name: "openai", api_key: "sk-4", apiKey: "sk-5", base_url: "http://127.0.0.1" };
    logger.info({ request, provider, status: 200, path: "/v1/chat/completions" }, "done");
    logger.child({ upstream: { authorization: "Bearer sk-6", url: "u" } }).warn({ note: "x" }, "child");
    const text = JSON.stringify(lines);
    for (const secret of ["sk-1", "sk-2", "sk-3", "sk-4", "sk-5", "sk-6"]) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      request: { method: "POST", authorization: "[redacted]", headers: { authorization: "[redacted]", "x-api-key": "[redacted]", accept: "*/*" } },
      provider: { name: "openai", api_key: "[redacted]", apiKey: "[redacted]", base_url: "http://127.0.0.1" },
      status: 200,
      msg: "done",
    });
    expect(lines[1]).toMatchObject({ upstream: { authorization: "[redacted]", url: "u" }, note: "x", msg: "child" });
    expect(request.authorization).toBe("Bearer sk-1");
    expect(request.headers.authorization).toBe("Bearer sk-2");
    expect(provider.api_key).toBe("sk-4");
  });

  it("leaves lines without secrets as they are", () => {
    const { logger, lines } = capture();
    logger.info({ requestId: "req_1", attempts: [{ provider: "a", error: "SWY_ERR_UPSTREAM_ERROR" }], usage: { inputTokens: 3 } }, "request completed");
    expect(lines[0]).toMatchObject({ requestId: "req_1", attempts: [{ provider: "a", error: "SWY_ERR_UPSTREAM_ERROR" }], usage: { inputTokens: 3 } });
  });
});
