import { FunctionCallingConfigMode, GoogleGenAI, Type } from "@google/genai";
import { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGeminiEmulator, type GeminiEmulator } from "./server.js";

// The emulator stands in for Gemini only if Google's own SDK accepts it.
describe("Gemini emulator is faithful to @google/genai", () => {
  let emulator: GeminiEmulator;
  let client: GoogleGenAI;

  beforeAll(async () => {
    emulator = await startGeminiEmulator({ apiKey: "gm-key", accessToken: "ya29.vertex" });
    client = new GoogleGenAI({ apiKey: "gm-key", httpOptions: { baseUrl: emulator.url } });
  });
  afterAll(() => emulator.close());

  it("answers generateContent with text and usage metadata", async () => {
    const result = await client.models.generateContent({
      model: "gemini-2.0-flash",
      contents: "hello gemini",
      config: { systemInstruction: "be brief" },
    });
    expect(result.text).toBe("[be brief] You said: hello gemini");
    expect(result.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    expect(result.candidates?.[0]?.finishReason).toBe("STOP");
    const seen = emulator.requests.at(-1)!;
    expect(seen.path).toBe("/v1beta/models/gemini-2.0-flash:generateContent");
    expect(seen.headers["x-goog-api-key"]).toBe("gm-key");
  });

  it("streams over SSE and the SDK joins the chunks", async () => {
    const stream = await client.models.generateContentStream({ model: "gemini-2.0-flash", contents: "stream this please" });
    let text = "";
    let finish: string | undefined;
    for await (const chunk of stream) {
      text += chunk.text ?? "";
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(text).toBe("You said: stream this please");
    expect(finish).toBe("STOP");
    expect(emulator.requests.at(-1)!.path).toBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
  });

  it("returns several function calls in one turn, with finishReason STOP like the real service", async () => {
    const result = await client.models.generateContent({
      model: "gemini-2.0-flash",
      contents: "use all tools",
      config: {
        tools: [
          {
            functionDeclarations: [
              { name: "weather", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } } },
              { name: "time", parameters: { type: Type.OBJECT, properties: { zone: { type: Type.STRING } } } },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } },
      },
    });
    expect(result.functionCalls?.map((call) => call.name)).toEqual(["weather", "time"]);
    expect(result.functionCalls?.[0]?.args).toEqual({ city: "Paris" });
    expect(result.candidates?.[0]?.finishReason).toBe("STOP");
  });

  it("answers JSON mode with a value of the response schema and rejects what Gemini rejects", async () => {
    const result = await client.models.generateContent({
      model: "gemini-2.0-flash",
      contents: "a person",
      config: {
        responseMimeType: "application/json",
        responseSchema: { type: Type.OBJECT, properties: { name: { type: Type.STRING }, age: { type: Type.INTEGER } } },
      },
    });
    expect(JSON.parse(result.text!)).toEqual({ name: "example name", age: 42 });
    // The real service answers JSON Schema keywords outside its subset with a 400.
    const rejected = await fetch(`${emulator.url}/v1beta/models/gemini-2.0-flash:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": "gm-key", "content-type": "application/json" },
      body: JSON.stringify({
        contents: [{ role: "user", parts: [{ text: "x" }] }],
        generationConfig: { responseMimeType: "application/json", responseSchema: { type: "OBJECT", additionalProperties: false } },
      }),
    });
    expect(rejected.status).toBe(400);
    const rejectedBody = (await rejected.json()) as { error: { status: string; message: string } };
    expect(rejectedBody.error.status).toBe("INVALID_ARGUMENT");
    expect(rejectedBody.error.message).toContain("additionalProperties");
  });

  it("reports a safety block and Google error bodies the SDK raises", async () => {
    const blocked = await client.models.generateContent({ model: "gemini-2.0-flash", contents: "something unsafe" });
    expect(blocked.candidates?.[0]?.finishReason).toBe("SAFETY");
    emulator.faults.push({ kind: "status", status: 429, message: "Resource has been exhausted" });
    const error = (await client.models.generateContent({ model: "gemini-2.0-flash", contents: "x" }).catch((caught: unknown) => caught)) as {
      status?: number;
      message: string;
    };
    expect(error.status).toBe(429);
    expect(error.message).toContain("Resource has been exhausted");
    const wrongKey = new GoogleGenAI({ apiKey: "nope", httpOptions: { baseUrl: emulator.url } });
    const denied = (await wrongKey.models.generateContent({ model: "gemini-2.0-flash", contents: "x" }).catch((caught: unknown) => caught)) as { status?: number };
    expect(denied.status).toBe(400);
  });

  it("serves batch embeddings", async () => {
    const result = await client.models.embedContent({ model: "text-embedding-004", contents: ["alpha", "beta"], config: { outputDimensionality: 4 } });
    expect(result.embeddings).toHaveLength(2);
    expect(result.embeddings?.[0]?.values).toHaveLength(4);
  });

  it("serves Vertex AI URLs with a bearer token", async () => {
    const vertex = new GoogleGenAI({
      vertexai: true,
      project: "proj-1",
      location: "us-central1",
      httpOptions: { baseUrl: emulator.url },
      googleAuthOptions: { authClient: bearer("ya29.vertex") },
    });
    const result = await vertex.models.generateContent({ model: "gemini-2.0-flash", contents: "from vertex" });
    expect(result.text).toBe("You said: from vertex");
    expect(emulator.requests.at(-1)!.path).toMatch(/^\/v1(beta1)?\/projects\/proj-1\/locations\/us-central1\/publishers\/google\/models\/gemini-2.0-flash:generateContent$/);
  });
});

/** An auth client holding a fixed, unexpired token, so the SDK never looks for real credentials. */
function bearer(token: string): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return client;
}
