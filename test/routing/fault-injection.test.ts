import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import type { Fault } from "../emulators/shared/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { seededRandom } from "../helpers/seeded-random.js";

/**
 * Faults injected into emulated upstreams behind several routes. With a healthy fallback
 * configured, no client may see a failure; the counts are printed for the record.
 */

let flaky: OpenaiEmulator;
let shaky: OpenaiEmulator;
let healthy: OpenaiEmulator;
let gateway: RunningGateway;

const strategy = {
  retry: { attempts: 1, initial_delay_ms: 5, max_delay_ms: 20, max_retry_after_ms: 100 },
  timeouts: { first_token_ms: 2_500 },
  circuit_breaker: { consecutive_failures: 4, min_requests: 10, error_rate: 0.7, cooldown_ms: 200 },
};

beforeAll(async () => {
  [flaky, shaky, healthy] = await Promise.all([startOpenaiEmulator(), startOpenaiEmulator(), startOpenaiEmulator()]);
});

// A fresh gateway per test: breaker state and latency figures must not leak between cases.
beforeEach(async () => {
  gateway = await startGateway(
    {
      providers: {
        flaky: { type: "openai", base_url: flaky.baseURL, api_key: "none" },
        shaky: { type: "openai", base_url: shaky.baseURL, api_key: "none" },
        healthy: { type: "openai", base_url: healthy.baseURL, api_key: "none" },
      },
      models: {
        chat: {
          routes: [
            { provider: "flaky", model: "gpt-4o-mini" },
            { provider: "shaky", model: "gpt-4o-mini" },
            { provider: "healthy", model: "gpt-4o-mini" },
          ],
          strategy,
        },
        guarded: {
          routes: [
            { provider: "flaky", model: "gpt-4o-mini" },
            { provider: "healthy", model: "gpt-4o-mini" },
          ],
          strategy: { circuit_breaker: { consecutive_failures: 3, cooldown_ms: 60_000 } },
        },
        slow: { routes: [{ provider: "shaky", model: "gpt-4o-mini", timeout_ms: 600 }] },
        spread: {
          routes: [
            { provider: "flaky", model: "gpt-4o-mini", weight: 3 },
            { provider: "shaky", model: "gpt-4o-mini", weight: 1 },
          ],
          strategy: { mode: "weighted", circuit_breaker: { enabled: false } },
        },
      },
    },
    // Weighted balancing and retry jitter draw from this seeded source: the same picks on every run.
    { env: { SWITCHYARD_MASTER_KEY: "master-secret" }, random: seededRandom(2026) },
  );
});

afterAll(async () => {
  await Promise.all([flaky?.close(), shaky?.close(), healthy?.close()]);
});

afterEach(async () => {
  await gateway?.close();
  for (const emulator of [flaky, shaky, healthy]) {
    emulator.faults.clear();
    emulator.requests.length = 0;
  }
});

const headers = { authorization: "Bearer master-secret", "content-type": "application/json" };

async function chat(model: string, stream: boolean, text = "Say hello.") {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: text }] }),
  });
  const body = await response.text();
  return { status: response.status, headers: response.headers, body };
}

/** A client-visible failure: a non-200, an SSE error event, or a stream without its end. */
function failed(result: { status: number; body: string }, stream: boolean): boolean {
  if (result.status !== 200) return true;
  if (!stream) return !JSON.parse(result.body).choices?.[0]?.message;
  return result.body.includes('"error"') || !result.body.includes("data: [DONE]");
}


const faultKinds: Array<[string, Fault]> = [
  ["500", { kind: "status", status: 500 }],
  ["503", { kind: "status", status: 503 }],
  ["429 retry-after 1s", { kind: "status", status: 429 }],
  ["connection reset", { kind: "reset" }],
  ["stall 6s", { kind: "stall", ms: 6_000 }],
  ["stream cut before first token", { kind: "cut", afterEvents: 0 }],
  ["in-stream error event before first token", { kind: "error-event", afterEvents: 0 }],
];

describe("fault injection behind a healthy fallback", () => {
  it("serves 200 requests with zero client-visible failures", async () => {
    const random = seededRandom(42);
    const injected: Record<string, number> = {};
    for (const emulator of [flaky, shaky]) {
      const faults: Fault[] = [];
      for (let index = 0; index < 400; index++) {
        const [name, fault] = faultKinds[Math.floor(random() * faultKinds.length)]!;
        faults.push(fault);
        injected[name] = (injected[name] ?? 0) + 1;
      }
      emulator.faults.push(...faults);
    }
    const results: boolean[] = [];
    const total = 200;
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < total) {
          const index = next++;
          const stream = index % 2 === 0;
          const result = await chat("chat", stream);
          if (failed(result, stream)) console.log(`client-visible failure: ${result.status} ${result.body.slice(-300)}`);
          results.push(failed(result, stream));
        }
      }),
    );
    const failures = results.filter(Boolean).length;
    const breakers = (await (await fetch(`${gateway.url}/admin/routing/breakers`, { headers })).json()) as { breakers: Array<{ key: string; opens: number }> };
    const counts = {
      requests: total,
      clientFailures: failures,
      upstreamRequests: { flaky: flaky.requests.length, shaky: shaky.requests.length, healthy: healthy.requests.length },
      faultsConsumed: 800 - (flaky.faults as unknown as { queue: Fault[] }).queue.length - (shaky.faults as unknown as { queue: Fault[] }).queue.length,
      breakerOpens: Object.fromEntries(breakers.breakers.map((item) => [item.key, item.opens])),
    };
    console.log(`fault-injection counts: ${JSON.stringify(counts)}`);
    expect(results).toHaveLength(total);
    expect(failures).toBe(0);
    expect(healthy.requests.length).toBeGreaterThan(0);
    // How many faults are drawn depends on timing (open breakers skip the faulty routes for a cooldown);
    // enough must have been, or the run proves nothing.
    expect(counts.faultsConsumed).toBeGreaterThan(20);
  });

  it("retries a 429 after its Retry-After on the same route when it fits the deadline", async () => {
    flaky.faults.push({ kind: "status", status: 429, headers: { "retry-after": "0.05" } });
    const result = await chat("chat", false);
    expect(result.status).toBe(200);
    expect(result.headers.get("x-switchyard-provider")).toBe("flaky");
    expect(result.headers.get("x-switchyard-attempts")).toBe("2");
    expect(flaky.requests).toHaveLength(2);
    expect(shaky.requests).toHaveLength(0);
  });

  it("moves on instead of waiting when Retry-After is longer than allowed", async () => {
    flaky.faults.push({ kind: "status", status: 429, headers: { "retry-after": "5" } });
    const result = await chat("chat", false);
    expect(result.status).toBe(200);
    expect(flaky.requests).toHaveLength(1);
    expect(result.headers.get("x-switchyard-provider")).toBe("shaky");
  });

  it("fails over when the first token does not come in time", async () => {
    // Two stalls: the timed-out first try and its retry on the same route.
    flaky.faults.push({ kind: "stall", ms: 6_000 }, { kind: "stall", ms: 6_000 });
    const result = await chat("chat", true);
    expect(failed(result, true)).toBe(false);
    expect(result.headers.get("x-switchyard-provider")).toBe("shaky");
  });

  it("does not fall back on a client error (400)", async () => {
    flaky.faults.push({ kind: "status", status: 400, message: "bad parameter" });
    const result = await chat("chat", false);
    expect(result.status).toBe(400);
    expect(shaky.requests).toHaveLength(0);
  });

  it("ends with an error event when the stream breaks after text reached the client", async () => {
    flaky.faults.push({ kind: "cut", afterEvents: 2 });
    const result = await chat("chat", true, "Write a long sentence about rivers and mountains.");
    expect(result.status).toBe(200);
    expect(result.body).toMatch(/"error"/);
    expect(result.body).not.toContain("data: [DONE]");
    expect(shaky.requests).toHaveLength(0);
  });

  it("ends a stream that runs past the route's total timeout with an error event", async () => {
    shaky.options.eventDelayMs = 150;
    try {
      const result = await chat("slow", true, "Write a long sentence about rivers and mountains.");
      expect(result.status).toBe(200);
      expect(result.body).toContain("no total within 600 ms");
      expect(result.body).not.toContain("data: [DONE]");
    } finally {
      shaky.options.eventDelayMs = undefined;
    }
  });

  it("opens the breaker after repeated failures, shows it on the admin API and skips the endpoint", async () => {
    const model = "guarded";
    flaky.faults.standing = { kind: "status", status: 500 };
    for (let index = 0; index < 3; index++) expect((await chat(model, false)).status).toBe(200);
    const before = flaky.requests.length;
    const skipped = await chat(model, false);
    expect(skipped.status).toBe(200);
    expect(flaky.requests.length).toBe(before);

    const response = await fetch(`${gateway.url}/admin/routing/breakers`, { headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { store: string; breakers: Array<{ key: string; state: string }> };
    expect(body.store).toBe("memory");
    expect(body.breakers.find((item) => item.key === "flaky")?.state).toBe("open");
    const metrics = await (await fetch(`${gateway.url}/metrics`, { headers })).text();
    expect(metrics).toMatch(/switchyard_circuit_state\{provider="flaky"\} 2/);
    flaky.faults.clear();
  });

  it("keeps the admin API behind the master key", async () => {
    const anonymous = await fetch(`${gateway.url}/admin/routing/breakers`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${gateway.url}/admin/routing/breakers`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
  });

  it("spreads traffic by weight", async () => {
    for (let index = 0; index < 200; index++) expect((await chat("spread", false)).status).toBe(200);
    const ratio = flaky.requests.length / shaky.requests.length;
    expect(flaky.requests.length + shaky.requests.length).toBe(200);
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(5.5);
  });
});
