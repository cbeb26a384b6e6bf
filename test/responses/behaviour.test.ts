import OpenAI, { BadRequestError, NotFoundError, PermissionDeniedError, RateLimitError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningGateway } from "../helpers/gateway.js";
import { closeUpstreams, collectEvents, eventShape, projectKey, startResponsesGateway, startUpstreams, type Upstreams } from "./helpers.js";

/**
 * What `/v1/responses` inherits from the chat pipeline (guardrails with streaming unmasking,
 * metering, the cache) and what it adds: stored conversations, tenancy, reasoning summaries, and
 * clear errors for what it cannot carry.
 */
let upstreams: Upstreams;
let gateway: RunningGateway;
let alpha: OpenAI;
let beta: OpenAI;
let alphaKey: string;

beforeAll(async () => {
  upstreams = await startUpstreams();
  gateway = await startResponsesGateway(upstreams, { guardrails: { input: { email: "mask" } }, cache: { mode: "opt-in", backend: "memory" } });
  alphaKey = await projectKey(gateway, "alpha");
  alpha = new OpenAI({ baseURL: gateway.baseURL, apiKey: alphaKey, maxRetries: 0 });
  beta = new OpenAI({ baseURL: gateway.baseURL, apiKey: await projectKey(gateway, "beta"), maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await closeUpstreams(upstreams);
});

beforeEach(() => {
  for (const emulator of Object.values(upstreams)) {
    emulator.faults.clear();
    emulator.requests.length = 0;
  }
});

async function rawPost(body: Record<string, unknown>, key = alphaKey): Promise<{ status: number; body: { error: Record<string, unknown> } }> {
  const response = await fetch(`${gateway.baseURL}/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
}

describe("stored conversations", () => {
  it("continues from previous_response_id with the whole conversation, without the earlier instructions", async () => {
    const first = await alpha.responses.create({ model: "gpt", instructions: "answer like a pirate", input: "my name is Ada" });
    const second = await alpha.responses.create({ model: "gpt", previous_response_id: first.id, input: "what is my name?" });
    const third = await alpha.responses.create({ model: "gpt", previous_response_id: second.id, instructions: "be brief", input: "and again?" });
    expect(third.output_text).toBe("You said: and again?");
    const sent = upstreams.openai.requests.at(-1)!.body.messages as Array<{ role: string; content: unknown }>;
    expect(sent).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "my name is Ada" },
      { role: "assistant", content: "You said: my name is Ada" },
      { role: "user", content: "what is my name?" },
      { role: "assistant", content: "You said: what is my name?" },
      { role: "user", content: "and again?" },
    ]);
    // Input items are the turn's own.
    const items = await alpha.responses.inputItems.list(third.id, { order: "asc" });
    expect(items.data.map((item) => item.type === "message" && item.content)).toEqual([[{ type: "input_text", text: "and again?" }]]);
    // A conversation outlives the deletion of an earlier turn.
    await alpha.responses.delete(first.id);
    const fourth = await alpha.responses.create({ model: "gpt", previous_response_id: third.id, input: "still there?" });
    expect(fourth.output_text).toBe("You said: still there?");
    expect((upstreams.openai.requests.at(-1)!.body.messages as unknown[]).length).toBe(7);
  });

  it("replays a stored response as the event stream it was sent as, and resumes after a sequence number", async () => {
    const live = alpha.responses.stream({ model: "claude", input: "replay me", reasoning: { effort: "low", summary: "auto" } });
    const liveEvents = await collectEvents(live);
    const stored = await live.finalResponse();
    const replay = alpha.responses.stream({ response_id: stored.id });
    const replayed = await collectEvents(replay);
    expect(eventShape(replayed)).toEqual(eventShape(liveEvents));
    expect(replayed.map((event) => event.sequence_number)).toEqual(replayed.map((_, index) => index));
    const final = await replay.finalResponse();
    expect(final.output).toEqual(stored.output);
    expect(final.id).toBe(stored.id);
    const resumed = await collectEvents(alpha.responses.stream({ response_id: stored.id, starting_after: 5 }));
    expect(resumed.map((event) => event.type)).toEqual(replayed.slice(6).map((event) => event.type));
    // The SDK filters on its side; the server resumes on its own too, for clients that ask it to.
    const raw = await fetch(`${gateway.baseURL}/responses/${stored.id}?stream=true&starting_after=5`, { headers: { authorization: `Bearer ${alphaKey}` } });
    expect(raw.headers.get("content-type")).toContain("text/event-stream");
    const numbers = [...(await raw.text()).matchAll(/"sequence_number":(\d+)/g)].map((match) => Number(match[1]));
    expect(numbers).toEqual(replayed.slice(6).map((event) => event.sequence_number));
    await expect(beta.responses.retrieve(stored.id, { stream: true })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("pages input items with limit, order and after", async () => {
    const input = ["one", "two", "three"].map((text) => ({ role: "user" as const, content: text }));
    const created = await alpha.responses.create({ model: "gpt", input });
    const page = await alpha.responses.inputItems.list(created.id, { limit: 2, order: "asc" });
    expect(page.data.map((item) => item.type === "message" && item.content[0])).toEqual([
      { type: "input_text", text: "one" },
      { type: "input_text", text: "two" },
    ]);
    expect(page.has_more).toBe(true);
    const all = [];
    for await (const item of alpha.responses.inputItems.list(created.id, { limit: 1 })) all.push(item);
    expect(all.map((item) => item.type === "message" && item.content[0]?.type === "input_text" && item.content[0].text)).toEqual(["three", "two", "one"]);
  });

  it("answers another project's response id exactly as an unknown one", async () => {
    const mine = await alpha.responses.create({ model: "gpt", input: "private" });
    const unknown = await beta.responses.retrieve("resp_doesnotexist").catch((error: unknown) => error);
    const theirs = await beta.responses.retrieve(mine.id).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(theirs).toBeInstanceOf(NotFoundError);
    expect((theirs as NotFoundError).message).toBe((unknown as NotFoundError).message.replace("resp_doesnotexist", mine.id));
    await expect(beta.responses.inputItems.list(mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(beta.responses.delete(mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(beta.responses.create({ model: "gpt", input: "continue", previous_response_id: mine.id })).rejects.toBeInstanceOf(NotFoundError);
    // Still there for its own project.
    expect((await alpha.responses.retrieve(mine.id)).output_text).toBe("You said: private");
  });

  it("refuses an unknown previous_response_id in OpenAI's error format before calling any model", async () => {
    const answer = await rawPost({ model: "gpt", input: "hi", previous_response_id: "resp_nope" });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toEqual({
      message: "Previous response with id 'resp_nope' not found.",
      type: "invalid_request_error",
      param: "previous_response_id",
      code: "SWY_ERR_NOT_FOUND",
    });
    expect(upstreams.openai.requests).toHaveLength(0);
  });
});

describe("the chat pipeline applies", () => {
  it("masks an email upstream and restores it in the streamed text and the stored response", async () => {
    const stream = await alpha.responses.create({ model: "gpt", input: "write to ada.lovelace@example.com today", stream: true });
    const events = await collectEvents(stream);
    const text = events.flatMap((event) => (event.type === "response.output_text.delta" ? [event.delta] : [])).join("");
    expect(text).toBe("You said: write to ada.lovelace@example.com today");
    const sent = JSON.stringify(upstreams.openai.requests.at(-1)!.body);
    expect(sent).not.toContain("ada.lovelace@example.com");
    const completed = events.at(-1)!;
    if (completed.type !== "response.completed") throw new Error(`ended with ${completed.type}`);
    const next = await alpha.responses.create({ model: "gpt", previous_response_id: completed.response.id, input: "thanks" });
    expect(next.status).toBe("completed");
    expect(JSON.stringify(upstreams.openai.requests.at(-1)!.body)).not.toContain("ada.lovelace@example.com");
  });

  it("meters each response as a usage row", async () => {
    const { response } = await alpha.responses.create({ model: "claude", input: "count me" }).withResponse();
    const requestId = response.headers.get("x-request-id")!;
    await gateway.control.ledger.flush();
    const rows = await gateway.control.storage.db.selectFrom("usage_records").selectAll().where("request_id", "=", requestId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ model: "claude", provider: "claude", status: "success", api: "openai" });
    expect(rows[0]!.output_tokens).toBeGreaterThan(0);
  });

  it("holds a key to its rate limit and its models", async () => {
    const limited = new OpenAI({ baseURL: gateway.baseURL, apiKey: await projectKey(gateway, "limited", { rpm: 1 }), maxRetries: 0 });
    await limited.responses.create({ model: "gpt", input: "first" });
    await expect(limited.responses.create({ model: "gpt", input: "second" })).rejects.toBeInstanceOf(RateLimitError);
    const gptOnly = new OpenAI({ baseURL: gateway.baseURL, apiKey: await projectKey(gateway, "gpt-only", { models: ["gpt"] }), maxRetries: 0 });
    await expect(gptOnly.responses.create({ model: "claude", input: "other model" })).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(upstreams.openai.requests).toHaveLength(1);
    expect(upstreams.anthropic.requests).toHaveLength(0);
  });

  it("answers a repeated request from the cache", async () => {
    const headers = { "x-switchyard-cache": "on" };
    const first = await alpha.responses.create({ model: "gpt", input: "cache this answer" }, { headers }).withResponse();
    const second = await alpha.responses.create({ model: "gpt", input: "cache this answer" }, { headers }).withResponse();
    expect(first.response.headers.get("x-switchyard-cache")).toBe("miss");
    expect(second.response.headers.get("x-switchyard-cache")).toBe("hit");
    expect(second.data.output_text).toBe(first.data.output_text);
    expect(second.data.id).not.toBe(first.data.id);
    expect(upstreams.openai.requests).toHaveLength(1);
  });
});

describe("output", () => {
  it("reports a response cut by max_output_tokens as incomplete, JSON and streamed", async () => {
    const response = await alpha.responses.create({ model: "claude", input: "a rather long sentence to cut short", max_output_tokens: 3 });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.output_text).toBe("You said: a ");
    const events = await collectEvents(await alpha.responses.create({ model: "claude", input: "another long sentence to cut", max_output_tokens: 3, stream: true }));
    expect(events.at(-1)).toMatchObject({ type: "response.incomplete", response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } } });
  });

  it("gives parallel function calls one item each, with their own output index", async () => {
    const tools = ["get_weather", "get_time"].map((name) => ({ type: "function" as const, name, parameters: { type: "object", properties: { place: { type: "string" } } }, strict: false }));
    const stream = alpha.responses.stream({ model: "gpt", input: "use all tools", tools });
    const events = await collectEvents(stream);
    const final = await stream.finalResponse();
    expect(final.output.map((item) => item.type === "function_call" && item.name)).toEqual(["get_weather", "get_time"]);
    const done = events.flatMap((event) => (event.type === "response.function_call_arguments.done" ? [[event.output_index, event.name]] : []));
    expect(done).toEqual([
      [0, "get_weather"],
      [1, "get_time"],
    ]);
    const ids = final.output.map((item) => item.type === "function_call" && item.call_id);
    expect(new Set(ids).size).toBe(2);
  });
});

describe("reasoning", () => {
  it("streams Anthropic thinking as reasoning summary events and sends it back, signed, on the next turn", async () => {
    const stream = alpha.responses.stream({
      model: "claude",
      input: "why is the sky blue",
      reasoning: { effort: "low", summary: "auto" },
      include: ["reasoning.encrypted_content"],
    });
    const events = await collectEvents(stream);
    expect(eventShape(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(upstreams.anthropic.requests.at(-1)!.body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    const final = await stream.finalResponse();
    expect(final.output[0]).toMatchObject({ type: "reasoning", summary: [{ type: "summary_text", text: "Considering: why is the sky blue" }], encrypted_content: "sig-5" });

    await alpha.responses.create({ model: "claude", previous_response_id: final.id, input: "and at sunset?", reasoning: { effort: "low" } });
    const messages = upstreams.anthropic.requests.at(-1)!.body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(messages[1]!.role).toBe("assistant");
    expect(messages[1]!.content[0]).toEqual({ type: "thinking", thinking: "Considering: why is the sky blue", signature: "sig-5" });
  });

  it("continues statelessly (store: false) from output items sent back with their encrypted_content", async () => {
    const first = await alpha.responses.create({
      model: "claude",
      input: "pick a colour",
      reasoning: { effort: "low", summary: "auto" },
      include: ["reasoning.encrypted_content"],
      store: false,
    });
    expect(first.output[0]).toMatchObject({ type: "reasoning", encrypted_content: "sig-3" });
    await alpha.responses.create({
      model: "claude",
      input: [{ role: "user", content: "pick a colour" }, ...first.output, { role: "user", content: "why that one?" }],
      reasoning: { effort: "low" },
      store: false,
    });
    const messages = upstreams.anthropic.requests.at(-1)!.body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    expect(messages[1]!.content).toEqual([
      { type: "thinking", thinking: "Considering: pick a colour", signature: "sig-3" },
      { type: "text", text: "You said: pick a colour" },
    ]);
  });

  it("gives Gemini's thought summaries as a reasoning item", async () => {
    const response = await alpha.responses.create({ model: "gemini", input: "think about tides", reasoning: { summary: "auto" } });
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    expect(response.output[0]).toMatchObject({ summary: [{ type: "summary_text", text: "Let me consider this." }] });
    expect(response.output_text).toContain("You said: think about tides");
    expect(response.usage!.output_tokens_details.reasoning_tokens).toBe(4);
  });
});

describe("failures", () => {
  it("ends a stream that fails midway with an error event and response.failed, and stores it as failed", async () => {
    upstreams.openai.faults.push({ kind: "error-event", afterEvents: 3, message: "the upstream fell over" });
    const stream = await alpha.responses.create({ model: "gpt", input: "a long answer that will break", stream: true });
    const events = await collectEvents(stream);
    expect(events.slice(-2).map((event) => event.type)).toEqual(["error", "response.failed"]);
    const failed = events.at(-1)!;
    if (failed.type !== "response.failed") throw new Error("no response.failed");
    expect(failed.response.status).toBe("failed");
    expect(failed.response.error?.message).toContain("the upstream fell over");
    expect((await alpha.responses.retrieve(failed.response.id)).status).toBe("failed");
  });

  it("never reports completed for a response it could not store", async () => {
    const broken = await startResponsesGateway(upstreams);
    try {
      await broken.control.storage.db.schema.dropTable("responses").execute();
      const client = new OpenAI({ baseURL: broken.baseURL, apiKey: await projectKey(broken, "broken"), maxRetries: 0 });
      const events = await collectEvents(await client.responses.create({ model: "gpt", input: "store me", stream: true }));
      expect(events.slice(-2).map((event) => event.type)).toEqual(["error", "response.failed"]);
      expect(events.some((event) => event.type === "response.completed")).toBe(false);
      await expect(client.responses.create({ model: "gpt", input: "store me too" })).rejects.toMatchObject({ status: 500 });
      // Not storing needs no table.
      expect((await client.responses.create({ model: "gpt", input: "keep nothing", store: false })).status).toBe("completed");
    } finally {
      await broken.close();
    }
  });

  it.each([
    ["web_search", { type: "web_search" }],
    ["file_search", { type: "file_search", vector_store_ids: ["vs_1"] }],
    ["computer_use_preview", { type: "computer_use_preview", display_width: 1024, display_height: 768, environment: "browser" }],
    ["code_interpreter", { type: "code_interpreter", container: { type: "auto" } }],
  ])("refuses the built-in tool %s with a 400 naming it", async (name, tool) => {
    const answer = await rawPost({ model: "gpt", input: "search", tools: [{ type: "function", name: "f", parameters: {} }, tool] });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(`'${name}'`);
    expect(answer.body.error.param).toBe("tools[1].type");
    expect(upstreams.openai.requests).toHaveLength(0);
  });

  it.each([
    [{ input: "hi" }, "model"],
    [{ model: "gpt" }, "input"],
    [{ model: "gpt", input: [{ type: "computer_call_output", call_id: "c", output: {} }] }, "input[0].type"],
    [{ model: "gpt", input: [{ type: "function_call_output", output: "x" }] }, "input[0].call_id"],
    [{ model: "gpt", input: [{ role: "user", content: [{ type: "input_file", file_id: "file_1" }] }] }, "input[0].content[0].type"],
    [{ model: "gpt", input: [{ role: "user", content: [{ type: "input_image", file_id: "file_1" }] }] }, "input[0].content[0].image_url"],
    [{ model: "gpt", input: "hi", tool_choice: { type: "web_search_preview" } }, "tool_choice.type"],
    [{ model: "gpt", input: "hi", text: { format: { type: "json_schema", name: "x" } } }, "text.format.schema"],
    [{ model: "gpt", input: "hi", temperature: 3 }, "temperature"],
    [{ model: "gpt", input: "hi", background: true }, "background"],
    [{ model: "gpt", input: "hi", tools: [{ type: "function", name: "bad name!" }] }, "tools[0].name"],
  ])("refuses %j with a 400 naming %s", async (body, param) => {
    const answer = await rawPost(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: "invalid_request_error", param });
  });

  it("answers an unknown model and a malformed body in OpenAI's format", async () => {
    await expect(alpha.responses.create({ model: "no-such-model", input: "hi" })).rejects.toBeInstanceOf(NotFoundError);
    const malformed = await fetch(`${gateway.baseURL}/responses`, { method: "POST", headers: { authorization: `Bearer ${alphaKey}`, "content-type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(400);
    await expect(alpha.responses.retrieve("resp_x", { stream: false })).rejects.toBeInstanceOf(NotFoundError);
    await expect(alpha.responses.inputItems.list("resp_x", { limit: 500 })).rejects.toBeInstanceOf(BadRequestError);
  });
});

