/**
 * Held-out quality and cost per request of one model name through the gateway: every prompt is a
 * chat completion (temperature 0), scored by exact match with the task family's answer; its cost is
 * what the request log recorded for it (a project with logging on).
 */
import { waitFor } from "../../helpers/wait.js";
import type { GatewayClient } from "./http-client.js";
import type { TaskExample } from "./task-family.js";

export interface Figures {
  model: string;
  requests: number;
  /** Share of exact answers. */
  quality: number;
  byFamily: Record<TaskExample["family"], { requests: number; correct: number }>;
  costPerRequestUsd: number;
  /** How many requests each `provider/upstream model` answered (an auto model routes between its tiers'). */
  routedTo: Record<string, number>;
}

export interface MeasureOptions {
  client: GatewayClient;
  /** A key of the project the measuring requests are logged in. */
  key: string;
  /** Reads the request log. */
  masterKey: string;
  maxTokens: number;
}

export async function measure(options: MeasureOptions, model: string, examples: TaskExample[]): Promise<Figures> {
  const { client } = options;
  const figures: Figures = {
    model,
    requests: 0,
    quality: 0,
    byFamily: { orders: { requests: 0, correct: 0 }, sums: { requests: 0, correct: 0 } },
    costPerRequestUsd: 0,
    routedTo: {},
  };
  let cost = 0;
  for (const example of examples) {
    const reply = await client.call(options.key, "POST", "/v1/chat/completions", {
      model,
      messages: [{ role: "user", content: example.prompt }],
      temperature: 0,
      max_tokens: options.maxTokens,
    });
    if (reply.status !== 200) throw new Error(`${model} answered ${reply.status}: ${reply.body}`);
    const text = String(reply.json.choices[0].message.content ?? "").trim();
    const family = figures.byFamily[example.family];
    family.requests += 1;
    if (text === example.answer) family.correct += 1;
    figures.requests += 1;
    const requestId = reply.headers.get("x-request-id");
    if (!requestId) throw new Error("a chat completion answered without x-request-id");
    const logged = await waitFor(
      async () => {
        const entry = await client.call(options.masterKey, "GET", `/admin/logs/${requestId}`);
        return entry.status === 200 ? entry.json : undefined;
      },
      30_000,
      `request ${requestId} in the request log`,
      50,
    );
    cost += Number(logged.cost_usd ?? 0);
    const routed = `${logged.provider}/${logged.upstream_model}`;
    figures.routedTo[routed] = (figures.routedTo[routed] ?? 0) + 1;
  }
  const correct = figures.byFamily.orders.correct + figures.byFamily.sums.correct;
  figures.quality = figures.requests === 0 ? 0 : correct / figures.requests;
  figures.costPerRequestUsd = figures.requests === 0 ? 0 : cost / figures.requests;
  return figures;
}
