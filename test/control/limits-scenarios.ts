import { expect } from "vitest";
import type { ControlFixture } from "./control-fixture.js";

type Admin = ControlFixture["admin"];
type Chat = ControlFixture["chat"];

export async function createKey(admin: Admin, name: string, limits: Record<string, unknown>) {
  const project = await admin("POST", "/admin/projects", { name });
  expect(project.status).toBe(201);
  const key = await admin("POST", "/admin/keys", { project_id: project.json.id, name: `${name}-key`, ...limits });
  expect(key.status).toBe(201);
  return { projectId: project.json.id as string, keyId: key.json.id as string, secret: key.json.key as string };
}

/** Calls until the budget refuses (at most 100 calls). */
export async function burnBudget(chat: Chat, secret: string): Promise<number> {
  for (let calls = 0; calls < 100; calls++) {
    const response = await chat(secret, { max_tokens: 5 });
    if (response.status === 429) return calls;
  }
  throw new Error("budget never ran out");
}

/**
 * A key whose daily budget fits ~30 requests; 26 are spent one by one, then 200 go at once,
 * spread over the given gateway nodes. Returns what happened and the spend the ledger recorded.
 */
export async function concurrentAgainstBudget(nodes: ControlFixture[], name: string, request: Record<string, unknown> = { max_tokens: 5 }) {
  const first = nodes[0]!;
  // "hello there" -> the emulator counts 5 prompt and 4 completion tokens: $52.5e-6 per call on gpt-4o.
  const perCall = (5 * 2.5 + 4 * 10) / 1e6;
  const budgetUsd = 30 * perCall;
  const key = await createKey(first.admin, name, { budgets: { daily_usd: budgetUsd } });
  for (let index = 0; index < 26; index++) {
    const response = await nodes[index % nodes.length]!.chat(key.secret, request);
    expect(response.status).toBe(200);
  }
  const responses = await Promise.all(Array.from({ length: 200 }, (_, index) => nodes[index % nodes.length]!.chat(key.secret, request)));
  const successes = responses.filter((response) => response.status === 200).length;
  const budgetRefusals = responses.filter((response) => response.status === 429 && response.json.error.code === "SWY_ERR_BUDGET_EXCEEDED").length;
  const otherStatuses = responses.filter((response) => response.status !== 200 && response.status !== 429).map((response) => response.status);
  await Promise.all(nodes.map((node) => node.gateway.control.ledger.flush()));
  const totals = await first.admin("GET", `/admin/usage?key_id=${key.keyId}`);
  const spentUsd = totals.json.data[0].cost_usd as number;
  return { successes, budgetRefusals, otherStatuses, spentUsd, budgetUsd, perCall };
}
