import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  type ConverseStreamOutput,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBedrockEmulator, type BedrockEmulator } from "./server.js";

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret/for+tests", sessionToken: "session-token" };
const model = "anthropic.claude-3-haiku-20240307-v1:0";

// The SDK's default handler speaks HTTP/2 (for bidirectional streams); Converse works over HTTP/1.1 too,
// which is what the gateway and this emulator use.
const http1 = () => new NodeHttpHandler();

// The emulator stands in for Bedrock only if the AWS SDK accepts it: signatures, JSON and the binary event stream.
describe("Bedrock emulator is faithful to @aws-sdk/client-bedrock-runtime", () => {
  let emulator: BedrockEmulator;
  let client: BedrockRuntimeClient;

  beforeAll(async () => {
    emulator = await startBedrockEmulator({ credentials });
    client = new BedrockRuntimeClient({ region: "us-east-1", endpoint: emulator.url, credentials, maxAttempts: 1, requestHandler: http1() });
  });
  afterAll(async () => {
    client.destroy();
    await emulator.close();
  });

  it("accepts the SDK's SigV4 signature and answers Converse", async () => {
    const result = await client.send(
      new ConverseCommand({ modelId: model, system: [{ text: "be brief" }], messages: [{ role: "user", content: [{ text: "hello bedrock" }] }] }),
    );
    expect(result.output?.message?.content?.[0]?.text).toBe("You said: hello bedrock");
    expect(result.stopReason).toBe("end_turn");
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
    expect(emulator.requests.at(-1)!.path).toBe("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  });

  it("streams an event stream the SDK decodes, text and several tool uses", async () => {
    const text = await client.send(new ConverseStreamCommand({ modelId: model, messages: [{ role: "user", content: [{ text: "stream this text" }] }] }));
    const events: ConverseStreamOutput[] = [];
    for await (const event of text.stream!) events.push(event);
    expect(events.map((event) => event.contentBlockDelta?.delta?.text ?? "").join("")).toBe("You said: stream this text");
    expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe("end_turn");
    expect(events.at(-1)?.metadata?.usage?.outputTokens).toBeGreaterThan(0);

    const tools = await client.send(
      new ConverseStreamCommand({
        modelId: model,
        messages: [{ role: "user", content: [{ text: "use all tools" }] }],
        toolConfig: {
          tools: [
            { toolSpec: { name: "weather", inputSchema: { json: { type: "object", properties: { city: { type: "string" } } } } } },
            { toolSpec: { name: "time", inputSchema: { json: { type: "object", properties: { zone: { type: "string" } } } } } },
          ],
        },
      }),
    );
    const names: string[] = [];
    const inputs = new Map<number, string>();
    let stopReason: string | undefined;
    for await (const event of tools.stream!) {
      if (event.contentBlockStart?.start?.toolUse) names.push(event.contentBlockStart.start.toolUse.name!);
      const delta = event.contentBlockDelta;
      if (delta?.delta?.toolUse) inputs.set(delta.contentBlockIndex!, (inputs.get(delta.contentBlockIndex!) ?? "") + delta.delta.toolUse.input);
      stopReason = event.messageStop?.stopReason ?? stopReason;
    }
    expect(names).toEqual(["weather", "time"]);
    expect(JSON.parse(inputs.get(0)!)).toEqual({ city: "Paris" });
    expect(stopReason).toBe("tool_use");
  });

  it("raises an exception inside a 200 stream as the SDK's modeled exception", async () => {
    emulator.faults.push({ kind: "error-event", afterEvents: 2, message: "throttlingException: Too many tokens, please wait." });
    const response = await client.send(new ConverseStreamCommand({ modelId: model, messages: [{ role: "user", content: [{ text: "a long enough reply" }] }] }));
    const outcome = await (async () => {
      for await (const _event of response.stream!) {
        // drain
      }
    })().catch((error: unknown) => error);
    expect((outcome as Error).name).toBe("ThrottlingException");
    expect((outcome as Error).message).toBe("Too many tokens, please wait.");
  });

  it("answers errors with x-amzn-errortype, which the SDK turns into named exceptions", async () => {
    emulator.faults.push({ kind: "status", status: 429, message: "Rate exceeded" });
    const throttled = await client.send(new ConverseCommand({ modelId: model, messages: [{ role: "user", content: [{ text: "x" }] }] })).catch((error: unknown) => error);
    expect((throttled as Error).name).toBe("ThrottlingException");
    const invalid = await client.send(new ConverseCommand({ modelId: model, messages: [{ role: "assistant", content: [{ text: "x" }] }] })).catch((error: unknown) => error);
    expect((invalid as Error).name).toBe("ValidationException");
    const wrong = new BedrockRuntimeClient({ region: "us-east-1", endpoint: emulator.url, credentials: { ...credentials, secretAccessKey: "wrong" }, maxAttempts: 1, requestHandler: http1() });
    const denied = await wrong.send(new ConverseCommand({ modelId: model, messages: [{ role: "user", content: [{ text: "x" }] }] })).catch((error: unknown) => error);
    wrong.destroy();
    expect((denied as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(403);
    expect((denied as Error).message).toContain("signature");
  });

  it("serves Titan and Cohere embeddings through InvokeModel", async () => {
    const titan = await client.send(
      new InvokeModelCommand({ modelId: "amazon.titan-embed-text-v2:0", contentType: "application/json", body: JSON.stringify({ inputText: "hello world", dimensions: 4 }) }),
    );
    const titanBody = JSON.parse(new TextDecoder().decode(titan.body));
    expect(titanBody.embedding).toHaveLength(4);
    expect(titanBody.inputTextTokenCount).toBe(2);
    const cohere = await client.send(
      new InvokeModelCommand({ modelId: "cohere.embed-english-v3", contentType: "application/json", body: JSON.stringify({ texts: ["a", "b"], input_type: "search_document" }) }),
    );
    expect(JSON.parse(new TextDecoder().decode(cohere.body)).embeddings).toHaveLength(2);
  });
});
