/**
 * Three gateway processes on one PostgreSQL and one Redis, as behind a load balancer: what one node
 * is told, the others know. A deployment made through node 1 answers on node 3 within 2 s (the
 * reconcile timer is off, so only the change bus can have told it); a file uploaded to node 1
 * downloads from node 3; a budget holds while all three take load; a fine-tuning job started on
 * node 2 survives `kill -9` of node 2, is resumed from its checkpoint by another node, and its model
 * answers on every surviving node (the GGUF fetched from the database).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGatewayProcess, type GatewayProcess } from "../helpers/gateway-process.js";
import { waitFor } from "../helpers/wait.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { completionJsonl, tinySentences } from "../customization/datasets.js";

const MASTER = "three-node-master";

function multipart(purpose: string, filename: string, content: string) {
  const boundary = "----swythreenodes";
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n${purpose}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/jsonl\r\n\r\n${content}\r\n` +
    `--${boundary}--\r\n`;
  return { body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

describe("three gateway nodes on one PostgreSQL and one Redis", () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let emulator: OpenaiEmulator;
  const dataDirs: string[] = [];
  const nodes: GatewayProcess[] = [];

  beforeAll(async () => {
    [postgres, redis, emulator] = await Promise.all([startPostgres(), startRedis(), startOpenaiEmulator()]);
    const env = { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url, SWITCHYARD_MASTER_KEY: MASTER };
    const start = () => {
      // Each node has its own disk: nothing reaches another node except through PostgreSQL and Redis.
      const dataDir = mkdtempSync(join(tmpdir(), "swy-node-"));
      dataDirs.push(dataDir);
      mkdirSync(join(dataDir, "models"), { recursive: true });
      writeTinyLlamaGguf(join(dataDir, "models", "base.gguf"), { seed: 5 });
      return startGatewayProcess({
        dataDir,
        env,
        config: {
          providers: {
            up: { type: "openai", base_url: emulator.baseURL, api_key: "none" },
            local: { type: "local", threads: 1, context_size: 512, parallel: 1, probe_load: false },
          },
          models: { "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] } },
          control: { usage_flush_ms: 200 },
          // Off for the test: a change that arrives must have come over the bus.
          cluster: { reconcile_ms: 0 },
          fine_tuning: { local: { threads: 1 }, lease_ms: 3000 },
        },
      });
    };
    // The first applies the migrations; the other two start together.
    nodes.push(await start());
    nodes.push(...(await Promise.all([start(), start()])));
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(nodes.map((node) => node.kill()));
    await Promise.allSettled([postgres?.stop(), redis?.stop(), emulator?.close()]);
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers a deployment made through node 1 on node 3 within 2 s", async () => {
    const [one, , three] = nodes as [GatewayProcess, GatewayProcess, GatewayProcess];
    const before = await three.call("POST", "/v1/chat/completions", { key: MASTER, json: { model: "support-bot", messages: [{ role: "user", content: "hi" }] } });
    expect(before.status).toBe(404);
    const saved = await one.call("PUT", "/admin/deployments/support-bot", { key: MASTER, json: { model: "gpt-4o", system_prompt: "Be brief." } });
    expect(saved.status, saved.text).toBe(200);
    const answer = await waitFor(async () => {
      const response = await three.call("POST", "/v1/chat/completions", { key: MASTER, json: { model: "support-bot", messages: [{ role: "user", content: "hi" }] } });
      return response.status === 200 ? response : undefined;
    }, 2000, "the deployment on node 3", 20);
    expect(answer.json.object).toBe("chat.completion");
    // The system prompt the deployment adds reached the upstream through node 3.
    expect(JSON.stringify(emulator.requests.at(-1)!.body)).toContain("Be brief.");
    // The owner travels with it: node 3 answers another project's key as if the name did not exist.
    const outsider = (await one.call("POST", "/admin/projects", { key: MASTER, json: { name: "outsider" } })).json as { id: string };
    const outsiderKey = ((await one.call("POST", "/admin/keys", { key: MASTER, json: { project_id: outsider.id } })).json as { key: string }).key;
    const foreign = await three.call("POST", "/v1/chat/completions", { key: outsiderKey, json: { model: "support-bot", messages: [{ role: "user", content: "hi" }] } });
    expect(foreign.status).toBe(404);
    const listed = (await three.call("GET", "/v1/models", { key: outsiderKey })).json as { data: Array<{ id: string }> };
    expect(listed.data.map((model) => model.id)).not.toContain("support-bot");

    await one.call("DELETE", "/admin/deployments/support-bot", { key: MASTER });
    await waitFor(async () => {
      const response = await three.call("POST", "/v1/chat/completions", { key: MASTER, json: { model: "support-bot", messages: [{ role: "user", content: "hi" }] } });
      return response.status === 404 ? true : undefined;
    }, 2000, "the deletion on node 3", 20);
  });

  it("downloads from node 3 a file uploaded to node 1", async () => {
    const [one, , three] = nodes as [GatewayProcess, GatewayProcess, GatewayProcess];
    const content = completionJsonl(tinySentences(5).map((text, index) => `${text} ${index}`));
    const upload = multipart("fine-tune", "shared.jsonl", content);
    const uploaded = await one.call("POST", "/v1/files", { key: MASTER, body: upload.body, headers: upload.headers });
    expect(uploaded.status, uploaded.text).toBe(200);
    const downloaded = await three.call("GET", `/v1/files/${uploaded.json.id}/content`, { key: MASTER });
    expect(downloaded.status).toBe(200);
    expect(downloaded.text).toBe(content);
    // Deleted through node 3, gone on node 1.
    expect((await three.call("DELETE", `/v1/files/${uploaded.json.id}`, { key: MASTER })).status).toBe(200);
    expect((await one.call("GET", `/v1/files/${uploaded.json.id}/content`, { key: MASTER })).status).toBe(404);
  });

  it("never spends past a budget while all three nodes take load", async () => {
    const [one] = nodes as [GatewayProcess];
    // "hello there" -> the emulator counts 5 prompt and 4 completion tokens: $52.5e-6 per call on gpt-4o.
    const perCall = (5 * 2.5 + 4 * 10) / 1e6;
    const budgetUsd = 40 * perCall;
    const project = await one.call("POST", "/admin/projects", { key: MASTER, json: { name: "three-node-budget" } });
    const key = await one.call("POST", "/admin/keys", { key: MASTER, json: { project_id: project.json.id, budgets: { daily_usd: budgetUsd } } });
    expect(key.status, key.text).toBe(201);
    const responses = await Promise.all(
      Array.from({ length: 150 }, (_, index) =>
        nodes[index % 3]!.call("POST", "/v1/chat/completions", { key: key.json.key, json: { model: "gpt-4o", max_tokens: 5, messages: [{ role: "user", content: "hello there" }] } }),
      ),
    );
    const successes = responses.filter((response) => response.status === 200).length;
    const refused = responses.filter((response) => response.status === 429 && response.json?.error?.code === "SWY_ERR_BUDGET_EXCEEDED").length;
    expect(successes + refused).toBe(150);
    expect(successes).toBeGreaterThanOrEqual(1);
    expect(refused).toBeGreaterThan(100);
    // One usage row per request, refused ones included; every node flushes within 200 ms.
    const totals = await waitFor(async () => {
      const usage = await one.call("GET", `/admin/usage?key_id=${key.json.id}`, { key: MASTER });
      const row = usage.json?.data?.[0];
      return row && row.requests === 150 ? row : undefined;
    }, 20_000, "every usage row in PostgreSQL");
    // Reservations are taken up front in Redis, so no request in flight can push the spend past the budget.
    expect(totals.cost_usd).toBeLessThanOrEqual(budgetUsd + 1e-12);
  });

  it("finishes on another node a fine-tuning job whose node was killed with SIGKILL, from its last checkpoint", async () => {
    const [one, two, three] = nodes as [GatewayProcess, GatewayProcess, GatewayProcess];
    const upload = multipart("fine-tune", "train.jsonl", completionJsonl(tinySentences(60)));
    const file = await two.call("POST", "/v1/files", { key: MASTER, body: upload.body, headers: upload.headers });
    expect(file.status, file.text).toBe(200);
    const created = await two.call("POST", "/v1/fine_tuning/jobs", {
      key: MASTER,
      json: { model: "local/base", training_file: file.json.id, suffix: "cluster", hyperparameters: { n_epochs: 8, learning_rate_multiplier: 10 } },
    });
    expect(created.status, created.text).toBe(200);
    const id = created.json.id as string;

    await waitFor(async () => {
      const checkpoints = await one.call("GET", `/v1/fine_tuning/jobs/${id}/checkpoints`, { key: MASTER });
      return checkpoints.json?.data?.length >= 1 ? true : undefined;
    }, 120_000, "the job's first checkpoint");
    await two.kill();
    const atKill = await one.call("GET", `/v1/fine_tuning/jobs/${id}`, { key: MASTER });
    expect(atKill.json.status).toBe("running");

    const finished = await waitFor(async () => {
      const job = await three.call("GET", `/v1/fine_tuning/jobs/${id}`, { key: MASTER });
      return ["succeeded", "failed", "cancelled"].includes(job.json?.status) ? job.json : undefined;
    }, 180_000, "the job to end on another node", 250);
    expect(finished.error).toBeNull();
    expect(finished.status).toBe("succeeded");
    expect(finished.fine_tuned_model).toBe(`ft:local/base:cluster:${id}`);

    const events = await one.call("GET", `/v1/fine_tuning/jobs/${id}/events?limit=100`, { key: MASTER });
    const messages = (events.json.data as Array<{ message: string }>).map((event) => event.message);
    const resumed = messages.filter((message) => message.startsWith("Resumed after a restart"));
    // Taken over exactly once, by one of the surviving nodes (a node's name holds its pid).
    expect(resumed).toHaveLength(1);
    expect([one.pid, three.pid].some((pid) => resumed[0]!.includes(`-${pid}-`))).toBe(true);
    expect(resumed[0]).not.toContain(`-${two.pid}-`);
    expect(messages.some((message) => /^Resuming from the checkpoint after epoch [1-7]$/.test(message))).toBe(true);

    // Both survivors serve the model; the one that did not train it fetched the GGUF from PostgreSQL.
    for (const node of [one, three]) {
      const completion = await waitFor(async () => {
        const response = await node.call("POST", "/v1/completions", { key: MASTER, json: { model: finished.fine_tuned_model, prompt: "the big red", max_tokens: 8, temperature: 0 } });
        return response.status === 200 ? response.json : undefined;
      }, 30_000, `the fine-tuned model on ${node.url}`, 250);
      expect(completion.choices[0].text.length).toBeGreaterThan(0);
    }
  }, 400_000);
});
