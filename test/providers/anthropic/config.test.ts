import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app.js";
import { createLogger } from "../../../src/observability/logger.js";

const build = (provider: Record<string, unknown>, env: Record<string, string> = {}) =>
  createApp({ logger: createLogger("silent"), env, config: { providers: { claude: { type: "anthropic", ...provider } } } });

describe("anthropic provider config", () => {
  it("accepts the documented keys", async () => {
    const app = await build(
      {
        api_key: "env:ANTHROPIC_API_KEY",
        base_url: "http://127.0.0.1:9",
        version: "2023-06-01",
        beta: ["prompt-caching-2024-07-31"],
        headers: { "x-extra": "1" },
        default_max_tokens: 1024,
        max_tokens_by_model: { "claude-opus-*": 32000 },
        models: ["claude-sonnet-4-5"],
      },
      { ANTHROPIC_API_KEY: "sk-ant" },
    );
    expect(app.runtime.providers.get("claude")?.type).toBe("anthropic");
    expect(await app.runtime.providers.get("claude")!.listModels!()).toEqual(["claude-sonnet-4-5"]);
    await app.close();
  });

  it("rejects unknown keys and wrong types, naming the path", async () => {
    await expect(build({ max_token: 5 })).rejects.toThrow(/providers\.claude/);
    await expect(build({ default_max_tokens: "lots" })).rejects.toThrow(/providers\.claude\.default_max_tokens/);
  });
});
