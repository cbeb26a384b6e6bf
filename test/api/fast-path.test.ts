import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { request } from "undici";
import { trainRouter } from "../../src/routing/auto/train.js";
import { syntheticRows } from "../routing/synthetic-data.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAnthropicEmulator, type AnthropicEmulator } from "../emulators/anthropic/server.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

/**
 * The pass-through fast path of POST /v1/chat/completions (src/api/fast/) against the full path:
 * two gateways with the same config on the same upstream, one with `server.fast_path: false`.
 * Responses must be byte-identical (status, headers, body), apart from the values that are fresh
 * per response on either path: the completion id and its `created` second.
 */
const MASTER = "sk-master-fast-path";
const noBreaker = { strategy: { circuit_breaker: { enabled: false } } };

function config(upstream: OpenaiEmulator, backup: OpenaiEmulator, anthropic: AnthropicEmulator, fastPath: boolean, extra: Record<string, unknown> = {}) {
  return {
    server: { fast_path: fastPath },
    providers: {
      up: { type: "openai", base_url: upstream.baseURL, api_key: "none" },
      backup: { type: "openai", base_url: backup.baseURL, api_key: "none" },
      claude: { type: "anthropic", base_url: anthropic.url, api_key: "env:ANTHROPIC_KEY" },
    },
    models: {
      chat: { routes: [{ provider: "up", model: "gpt-4o-mini" }, { provider: "backup", model: "gpt-4o-mini-backup" }], ...noBreaker },
      single: { routes: [{ provider: "up", model: "gpt-4o-mini" }], ...noBreaker },
      mixed: { routes: [{ provider: "claude", model: "claude-3-5-haiku" }] },
    },
    ...extra,
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function post(gateway: RunningGateway, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${MASTER}`, "x-request-id": "req-fixed", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) if (name !== "date" && value !== undefined) out[name] = String(value);
  return { status: response.statusCode, headers: out, body: text };
}

/** The per-response values: the completion id and its creation second. */
function fixFresh(text: string): string {
  return text.replace(/"id":"chatcmpl-[A-Za-z0-9]+"/g, '"id":"chatcmpl-X"').replace(/"created":\d+/g, '"created":0');
}

describe("the fast path of /v1/chat/completions", () => {
  let upstream: OpenaiEmulator;
  let backup: OpenaiEmulator;
  let anthropic: AnthropicEmulator;
  let fast: RunningGateway;
  let full: RunningGateway;

  beforeAll(async () => {
    [upstream, backup] = await Promise.all([startOpenaiEmulator(), startOpenaiEmulator()]);
    anthropic = await startAnthropicEmulator({ apiKey: "sk-ant" });
    for (const emulator of [upstream, backup, anthropic]) emulator.server.keepAliveTimeout = 120_000;
    const env = { SWITCHYARD_MASTER_KEY: MASTER, ANTHROPIC_KEY: "sk-ant" };
    fast = await startGateway(config(upstream, backup, anthropic, true), { env });
    full = await startGateway(config(upstream, backup, anthropic, false), { env });
  });

  afterAll(async () => {
    await Promise.all([fast?.close(), full?.close()]);
    await Promise.all([upstream?.close(), backup?.close(), anthropic?.close()]);
  });

  beforeEach(() => {
    for (const emulator of [upstream, backup]) {
      emulator.faults.clear();
      emulator.requests.length = 0;
    }
  });

  /** The same request through both gateways; the fast one must have answered it itself. */
  async function both(body: unknown, options: { path?: string; headers?: Record<string, string>; before?: () => void; fastServes?: boolean } = {}) {
    const served = fast.fastChat!.served;
    options.before?.();
    const viaFast = await post(fast, options.path ?? "/v1/chat/completions", body, options.headers);
    options.before?.();
    const viaFull = await post(full, options.path ?? "/v1/chat/completions", body, options.headers);
    expect(fast.fastChat!.served - served).toBe(options.fastServes === false ? 0 : 1);
    expect(full.fastChat).toBeUndefined();
    return { viaFast, viaFull };
  }

  function expectSame(viaFast: Answer, viaFull: Answer): void {
    expect(viaFast.status).toBe(viaFull.status);
    expect(viaFast.headers).toEqual(viaFull.headers);
    expect(fixFresh(viaFast.body)).toBe(fixFresh(viaFull.body));
  }

  const hello = { model: "chat", messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello there" }], max_tokens: 40, temperature: 0.3 };

  it("answers JSON with the full path's bytes, and sends the upstream the same request", async () => {
    const { viaFast, viaFull } = await both(hello);
    expect(viaFast.status).toBe(200);
    expectSame(viaFast, viaFull);
    expect(JSON.parse(viaFast.body).choices[0].message.content).toBe("You said: hello there");
    expect(viaFast.headers["x-switchyard-provider"]).toBe("up");
    expect(upstream.requests).toHaveLength(2);
    expect(upstream.requests[0]!.body).toEqual(upstream.requests[1]!.body);
  });

  it("streams the full path's SSE bytes, with and without the usage chunk", async () => {
    for (const streamOptions of [{ include_usage: true }, undefined]) {
      const { viaFast, viaFull } = await both({ ...hello, stream: true, ...(streamOptions && { stream_options: streamOptions }) });
      expect(viaFast.status).toBe(200);
      expect(viaFast.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
      expectSame(viaFast, viaFull);
      expect(viaFast.body.endsWith("data: [DONE]\n\n")).toBe(true);
      expect(viaFast.body.includes('"usage"')).toBe(streamOptions !== undefined);
    }
    expect(upstream.requests[0]!.body).toEqual(upstream.requests[1]!.body);
  });

  it("falls back to the next route the same way, JSON and streamed", async () => {
    for (const stream of [false, true]) {
      const { viaFast, viaFull } = await both({ ...hello, stream }, { before: () => upstream.faults.push({ kind: "status", status: 500 }) });
      expectSame(viaFast, viaFull);
      expect(viaFast.headers["x-switchyard-provider"]).toBe("backup");
      expect(viaFast.headers["x-switchyard-attempts"]).toBe("2");
    }
    // A failure inside a 200 stream before its first visible part falls back too.
    const { viaFast, viaFull } = await both({ ...hello, stream: true }, { before: () => upstream.faults.push({ kind: "error-event", afterEvents: 0 }) });
    expectSame(viaFast, viaFull);
    expect(viaFast.headers["x-switchyard-provider"]).toBe("backup");
  });

  it("reports upstream errors and mid-stream failures with the same bytes", async () => {
    const refused = await both({ ...hello, model: "single" }, { before: () => upstream.faults.push({ kind: "status", status: 400, message: "bad temperature" }) });
    expect(refused.viaFast.status).toBe(400);
    expectSame(refused.viaFast, refused.viaFull);
    const unavailable = await both({ ...hello, model: "single", stream: true }, { before: () => upstream.faults.push({ kind: "status", status: 503 }) });
    expect(unavailable.viaFast.status).toBe(503);
    expectSame(unavailable.viaFast, unavailable.viaFull);
    for (const fault of [{ kind: "error-event", afterEvents: 3, message: "overloaded" }, { kind: "cut", afterEvents: 3 }] as const) {
      const broken = await both({ ...hello, model: "single", stream: true }, { before: () => upstream.faults.push(fault) });
      expect(broken.viaFast.status).toBe(200);
      expectSame(broken.viaFast, broken.viaFull);
      expect(broken.viaFast.body).toContain('"error"');
    }
  });

  it("keeps a long stream whole for a client that reads slowly (backpressure), as the full path does", async () => {
    const long = await startOpenaiEmulator({ reply: () => ({ text: "word ".repeat(200_000), toolCalls: [], finishReason: "stop", promptTokens: 3, completionTokens: 200_000 }) });
    long.server.keepAliveTimeout = 120_000;
    const env = { SWITCHYARD_MASTER_KEY: MASTER, ANTHROPIC_KEY: "sk-ant" };
    const gateways = await Promise.all([true, false].map((fastPath) => startGateway(config(long, backup, anthropic, fastPath), { env })));
    try {
      const bodies: string[] = [];
      for (const gateway of gateways) {
        const response = await request(`${gateway.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${MASTER}` },
          body: JSON.stringify({ ...hello, model: "single", stream: true }),
        });
        // Read nothing for a while, so the gateway's writes fill the socket and it has to wait for drain.
        await new Promise((resolve) => setTimeout(resolve, 300));
        let text = "";
        for await (const chunk of response.body) {
          text += (chunk as Buffer).toString("utf8");
          await new Promise((resolve) => setImmediate(resolve));
        }
        bodies.push(text);
      }
      expect(gateways[0]!.fastChat!.served).toBe(1);
      expect(bodies[0]!.length).toBeGreaterThan(1_000_000);
      expect(bodies[0]!.endsWith("data: [DONE]\n\n")).toBe(true);
      expect(fixFresh(bodies[0]!)).toBe(fixFresh(bodies[1]!));
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.close()));
      await long.close();
    }
    // Two gateways each stream a million bytes to a slow reader: on a busy machine that outlasts the default timeout.
  }, 90_000);

  it("falls back from an unreachable route, and stops the upstream when the client leaves mid-stream, as the full path does", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const slow = await startOpenaiEmulator({ eventDelayMs: 40, reply: () => ({ text: "word ".repeat(400), toolCalls: [], finishReason: "stop", promptTokens: 3, completionTokens: 400 }) });
    const env = { SWITCHYARD_MASTER_KEY: MASTER, ANTHROPIC_KEY: "sk-ant" };
    const extraProviders = { dead: { type: "openai", base_url: `http://127.0.0.1:${deadPort}/v1`, api_key: "none" }, slow: { type: "openai", base_url: slow.baseURL, api_key: "none" } };
    const gateways = await Promise.all(
      [true, false].map((fastPath) => {
        const base = config(upstream, backup, anthropic, fastPath);
        return startGateway(
          {
            ...base,
            providers: { ...base.providers, ...extraProviders },
            models: { ...base.models, unreachable: { routes: [{ provider: "dead", model: "m" }, { provider: "backup", model: "gpt-4o-mini-backup" }], ...noBreaker }, slow: { routes: [{ provider: "slow", model: "m" }] } },
          },
          { env },
        );
      }),
    );
    try {
      for (const stream of [false, true]) {
        const [viaFast, viaFull] = await Promise.all(gateways.map((gateway) => post(gateway, "/v1/chat/completions", { ...hello, model: "unreachable", stream })));
        expect(viaFast!.status).toBe(200);
        expectSame(viaFast!, viaFull!);
        expect(viaFast!.headers["x-switchyard-provider"]).toBe("backup");
        expect(viaFast!.headers["x-switchyard-attempts"]).toBe("2");
      }
      expect(gateways[0]!.fastChat!.served).toBe(2);
      for (const gateway of gateways) {
        const before = slow.aborted;
        const response = await request(`${gateway.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${MASTER}` },
          body: JSON.stringify({ ...hello, model: "slow", stream: true }),
        });
        expect(response.statusCode).toBe(200);
        for await (const chunk of response.body) if ((chunk as Buffer).toString("utf8").includes('"content":"word')) break;
        response.body.destroy();
        const deadline = Date.now() + 5_000;
        while (slow.aborted === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(slow.aborted).toBe(before + 1);
      }
      expect(gateways[0]!.fastChat!.served).toBe(3);
      const rows = async (gateway: RunningGateway) => {
        const deadline = Date.now() + 5_000;
        for (;;) {
          await gateway.control.ledger.flush();
          const found = await gateway.control.storage.db.selectFrom("usage_records").select(["model", "provider", "status", "http_status", "stream"]).where("model", "=", "slow").execute();
          if (found.length > 0 || Date.now() > deadline) return found;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const [fastRows, fullRows] = await Promise.all(gateways.map(rows));
      expect(fastRows).toEqual([{ model: "slow", provider: "slow", status: "aborted", http_status: 499, stream: 1 }]);
      expect(fastRows).toEqual(fullRows);
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.close()));
      await slow.close();
    }
  });

  it("meters, logs and counts each request as the full path does", async () => {
    await both({ ...hello, model: "single", stream: true, stream_options: { include_usage: true } });
    await both({ ...hello, model: "single" });
    const rows = async (gateway: RunningGateway) => {
      await gateway.control.ledger.flush();
      const found = await gateway.control.storage.db
        .selectFrom("usage_records")
        .select(["key_id", "model", "provider", "upstream_model", "input_tokens", "output_tokens", "estimated", "status", "http_status", "stream", "api"])
        .where("model", "=", "single")
        .where("status", "=", "success")
        .orderBy("created_at")
        .execute();
      return found;
    };
    const [fastRows, fullRows] = await Promise.all([rows(fast), rows(full)]);
    expect(fastRows.length).toBeGreaterThanOrEqual(2);
    expect(fastRows).toEqual(fullRows);
    const metrics = async (gateway: RunningGateway) => {
      const text = await (await request(`${gateway.url}/metrics`)).body.text();
      return text.split("\n").filter((line) => /^switchyard_(chat_requests_total|tokens_total|http_requests_total\{method="POST",route="\/v1\/chat\/completions")/.test(line));
    };
    const [fastMetrics, fullMetrics] = await Promise.all([metrics(fast), metrics(full)]);
    expect(fastMetrics.some((line) => line.startsWith('switchyard_chat_requests_total{model="single",provider="up",stream="true",outcome="ok"}'))).toBe(true);
    expect(fastMetrics).toEqual(fullMetrics);
  });

  it("declines what needs the full path: other request shapes, other providers, switchyard headers, bad input", async () => {
    const tools = [{ type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } }];
    const cases: Array<{ body: unknown; headers?: Record<string, string>; path?: string }> = [
      { body: { ...hello, tools } },
      { body: { ...hello, messages: [{ role: "user", content: [{ type: "text", text: "parts" }] }] } },
      { body: { ...hello, logprobs: true } },
      { body: { ...hello, model: "mixed" } },
      { body: { ...hello, model: "claude/claude-3-5-haiku" } },
      { body: hello, headers: { "x-switchyard-cache": "skip" } },
      { body: { ...hello, temperature: 7 } },
      { body: { ...hello, model: "nope" } },
      { body: hello, headers: { authorization: "Bearer wrong" } },
      { body: { model: "claude-3-5-haiku", max_tokens: 20, messages: [{ role: "user", content: "hi" }] }, path: "/v1/messages" },
    ];
    for (const { body, headers, path } of cases) {
      const { viaFast, viaFull } = await both(body, { headers, path, fastServes: false });
      expectSame(viaFast, viaFull);
    }
  });

  it("serves a virtual key with rate limits and a budget as the full path does, its 429 included", async () => {
    const admin = { "content-type": "application/json", authorization: `Bearer ${MASTER}` };
    const keyOn = async (gateway: RunningGateway) => {
      const create = async (path: string, body: unknown) => (await (await request(`${gateway.url}${path}`, { method: "POST", headers: admin, body: JSON.stringify(body) })).body.json()) as Record<string, string>;
      const project = await create("/admin/projects", { name: "limited", budgets: { daily_usd: 100 } });
      return (await create("/admin/keys", { project_id: project.id!, name: "limited-key", rpm: 2 })).key!;
    };
    const [fastKey, fullKey] = await Promise.all([keyOn(fast), keyOn(full)]);
    // A retry delay counts whole seconds from each key's own first request: the two may differ by one.
    const fixRetry = (answer: Answer): Answer => ({
      ...answer,
      headers: { ...answer.headers, "retry-after": "N", "x-ratelimit-reset-requests": "N" },
      body: answer.body.replace(/Retry in \d+ s/, "Retry in N s"),
    });
    for (const expected of [200, 200, 429]) {
      const served = fast.fastChat!.served;
      const viaFast = await post(fast, "/v1/chat/completions", { ...hello, model: "single" }, { authorization: `Bearer ${fastKey}` });
      const viaFull = await post(full, "/v1/chat/completions", { ...hello, model: "single" }, { authorization: `Bearer ${fullKey}` });
      expect(fast.fastChat!.served - served).toBe(1);
      expect(viaFast.status).toBe(expected);
      expectSame(expected === 429 ? fixRetry(viaFast) : viaFast, expected === 429 ? fixRetry(viaFull) : viaFull);
      if (expected === 200) expect(viaFast.headers["x-switchyard-budget-limit-usd"]).toBe("100.000000");
    }
    const rows = async (gateway: RunningGateway) => {
      await gateway.control.ledger.flush();
      return gateway.control.storage.db
        .selectFrom("usage_records")
        .select(["model", "provider", "input_tokens", "output_tokens", "cost_usd", "status", "http_status", "error_code"])
        .where("key_id", "like", "key_%")
        .where("model", "=", "single")
        .orderBy("created_at")
        .execute();
    };
    const [fastRows, fullRows] = await Promise.all([rows(fast), rows(full)]);
    expect(fastRows.map((row) => row.http_status)).toEqual([200, 200, 429]);
    expect(fastRows).toEqual(fullRows);
  });

  it("declines a deployment name, an auto-routed model and a model outside a key's allow-list; is off with guardrails, a cache or extra middleware", async () => {
    const env = { SWITCHYARD_MASTER_KEY: MASTER, ANTHROPIC_KEY: "sk-ant" };
    const directory = mkdtempSync(join(tmpdir(), "swy-fast-path-"));
    const routerPath = join(directory, "ROUTER.json");
    writeFileSync(routerPath, JSON.stringify(trainRouter(syntheticRows(240, 21), { strong: "strong", weak: "weak", targetStrong: 0.4, folds: 3 }).file));
    const base = config(upstream, backup, anthropic, true, { deployments: { helper: { model: "single", system_prompt: "You help." } } });
    const auto = { smart: { type: "auto", auto: { router: routerPath, strong: "up/gpt-4o", weak: "single", target_strong: 0.4 } } };
    const deployed = await startGateway({ ...base, models: { ...base.models, ...auto } }, { env });
    try {
      const admin = { "content-type": "application/json", authorization: `Bearer ${MASTER}` };
      const project = (await (await request(`${deployed.url}/admin/projects`, { method: "POST", headers: admin, body: JSON.stringify({ name: "p" }) })).body.json()) as { id: string };
      const key = (await (await request(`${deployed.url}/admin/keys`, { method: "POST", headers: admin, body: JSON.stringify({ project_id: project.id, models: ["single"] }) })).body.json()) as { key: string };
      const before = deployed.fastChat!.served;
      const refused = await post(deployed, "/v1/chat/completions", hello, { authorization: `Bearer ${key.key}` });
      expect(refused.status).toBe(403);
      const viaDeployment = await post(deployed, "/v1/chat/completions", { ...hello, model: "helper" });
      expect(viaDeployment.status).toBe(200);
      expect(viaDeployment.headers["x-switchyard-deployment"]).toBe("helper@v1");
      const viaAuto = await post(deployed, "/v1/chat/completions", { ...hello, model: "smart" });
      expect(viaAuto.status).toBe(200);
      expect(viaAuto.headers["x-switchyard-route-decision"]).toBeDefined();
      expect(deployed.fastChat!.served).toBe(before);
      expect((await post(deployed, "/v1/chat/completions", { ...hello, model: "single" }, { authorization: `Bearer ${key.key}` })).status).toBe(200);
      expect(deployed.fastChat!.served).toBe(before + 1);
    } finally {
      await deployed.close();
      rmSync(directory, { recursive: true, force: true });
    }
    const middleware = { name: "tagging", handle: (context: { responseHeaders: Record<string, string> }, next: (context: unknown) => Promise<unknown>) => ((context.responseHeaders["x-tag"] = "1"), next(context)) };
    for (const [extra, options] of [
      [{ guardrails: { input: { email: "mask" } } }, {}],
      [{ cache: { mode: "on" } }, {}],
      [{}, { middlewares: [middleware] }],
    ] as const) {
      const gateway = await startGateway(config(upstream, backup, anthropic, true, extra), { env, ...(options as object) });
      try {
        const answer = await post(gateway, "/v1/chat/completions", hello);
        expect(answer.status).toBe(200);
        if ("middlewares" in options) {
          expect(answer.headers["x-tag"]).toBe("1");
          expect(gateway.fastChat!.served).toBe(0);
        } else {
          expect(gateway.fastChat).toBeUndefined();
        }
      } finally {
        await gateway.close();
      }
    }
    // A trained router and five gateways started in turn: on a busy machine that outlasts the default timeout.
  }, 90_000);
});
