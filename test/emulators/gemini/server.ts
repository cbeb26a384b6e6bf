import type { ServerResponse } from "node:http";
import { applyPreFault, faultHeaders, FaultQueue, writeEventStream, type Fault } from "../shared/faults.js";
import { readJsonRequest, sendJson, startServer, type EmulatorServer, type RecordedRequest, type StreamPacing } from "../shared/server.js";
import { chunks, hashVector } from "../shared/synthetic.js";
import { findRejectedKeyword, geminiReply, type GeminiReply } from "./responder.js";

/**
 * An emulator of the Gemini API wire format: AI Studio URLs (`/v1beta/models/{m}:generateContent`,
 * `:streamGenerateContent?alt=sse`, `:batchEmbedContents`) with key auth, Vertex AI URLs
 * (`/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:...`, `:predict`) with bearer auth,
 * a service-account token endpoint (`POST /token`), Google error bodies and injectable faults.
 */
export interface GeminiEmulatorOptions extends StreamPacing {
  apiKey?: string;
  /** Bearer token Vertex requests must carry. */
  accessToken?: string;
  reply?: (body: Record<string, any>) => GeminiReply;
}

export type { RecordedRequest };

export interface GeminiEmulator extends EmulatorServer {
  options: GeminiEmulatorOptions;
  /** Tokens minted by `POST /token`. */
  mintedTokens: string[];
}

const statusNames: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export function googleError(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, status, { error: { code: status, message, status: statusNames[status] ?? "UNKNOWN" } }, headers);
}

const studioPath = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/;
const vertexPath = /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;

export async function startGeminiEmulator(options: GeminiEmulatorOptions = {}): Promise<GeminiEmulator> {
  const state = { requests: [] as RecordedRequest[], faults: new FaultQueue(), mintedTokens: [] as string[] };
  const running = await startServer(async (request, response) => {
    const { url, text, body, malformed } = await readJsonRequest(request);
    if (url.pathname === "/token") return token(response, text, state.mintedTokens);
    if (malformed) return googleError(response, 400, "Invalid JSON payload received.");
    state.requests.push({ method: request.method ?? "GET", path: url.pathname + url.search, headers: request.headers, body });

    const studio = studioPath.exec(url.pathname);
    const vertex = vertexPath.exec(url.pathname);
    if (!studio && !vertex) return googleError(response, 404, `Unknown path ${url.pathname}`);
    const model = decodeURIComponent(studio ? studio[2]! : vertex![4]!);
    const method = studio ? studio[3]! : vertex![5]!;

    if (studio && options.apiKey !== undefined) {
      const key = request.headers["x-goog-api-key"] ?? url.searchParams.get("key");
      if (!key) return googleError(response, 403, "Method doesn't allow unregistered callers. Please use API Key.");
      if (key !== options.apiKey) return googleError(response, 400, "API key not valid. Please pass a valid API key.");
    }
    if (vertex) {
      const expected = options.accessToken;
      const bearer = request.headers.authorization?.replace(/^Bearer /, "");
      if (expected !== undefined && bearer !== expected && !state.mintedTokens.includes(bearer ?? "")) {
        return googleError(response, 401, "Request had invalid authentication credentials.");
      }
    }

    const fault = state.faults.next();
    const answered = await applyPreFault(fault, request, response, (status) =>
      googleError(response, status.status, status.message ?? `Emulated ${status.status}`, faultHeaders(status)),
    );
    if (answered) return;
    if (model === "missing-model") return googleError(response, 404, `models/${model} is not found for API version v1beta.`);

    switch (method) {
      case "generateContent":
      case "streamGenerateContent": {
        const invalid = validate(body) ?? (model.startsWith("gemini-3") ? missingSignature(body) : undefined);
        if (invalid) return googleError(response, 400, invalid);
        const reply = (options.reply ?? geminiReply)(body);
        // Gemini 3 signs its function calls and wants the signatures back on the next turn.
        if (model.startsWith("gemini-3")) {
          for (const [index, part] of reply.parts.entries()) if (part.functionCall) part.thoughtSignature = Buffer.from(`sig-${model}-${index}`).toString("base64");
        }
        if (method === "generateContent") return sendJson(response, 200, wholeResponse(reply, model));
        if (url.searchParams.get("alt") !== "sse") return sendJson(response, 200, [wholeResponse(reply, model)]);
        return streamReply(response, reply, model, fault, options);
      }
      case "batchEmbedContents":
        return batchEmbed(response, body);
      case "embedContent":
        return sendJson(response, 200, { embedding: { values: hashVector(partsToText(body?.content), body?.outputDimensionality ?? 8) } });
      case "predict":
        return predict(response, body);
      default:
        return googleError(response, 404, `Unknown method ${method}`);
    }
  });

  const emulator = Object.assign(running, {
    options,
    get requests() {
      return state.requests;
    },
    get faults() {
      return state.faults;
    },
    get mintedTokens() {
      return state.mintedTokens;
    },
  }) as GeminiEmulator;
  return emulator;
}

function validate(body: any): string | undefined {
  if (!Array.isArray(body?.contents) || body.contents.length === 0) return "* GenerateContentRequest.contents: contents is not specified";
  for (const [index, content] of body.contents.entries()) {
    if (content.role !== undefined && content.role !== "user" && content.role !== "model") {
      return `Please use a valid role: user, model. (contents[${index}].role = ${content.role})`;
    }
    if (!Array.isArray(content.parts) || content.parts.length === 0) return `contents[${index}].parts must not be empty`;
  }
  const schema = body.generationConfig?.responseSchema;
  const inSchema = schema && findRejectedKeyword(schema, "generation_config.response_schema");
  if (inSchema) return `Invalid JSON payload received. Unknown name "${inSchema.split(".").pop()}" at '${inSchema}': Cannot find field.`;
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    for (const declaration of tool.functionDeclarations ?? []) {
      const found = findRejectedKeyword(declaration.parameters, "tools.function_declarations.parameters");
      if (found) return `Invalid JSON payload received. Unknown name "${found.split(".").pop()}" at '${found}': Cannot find field.`;
    }
  }
  return undefined;
}

function missingSignature(body: any): string | undefined {
  for (const [index, content] of body.contents.entries()) {
    if (content.role !== "model") continue;
    const first = content.parts.find((part: any) => part.functionCall);
    if (first && typeof first.thoughtSignature !== "string") {
      return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${first.functionCall.name}\` , position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
    }
  }
  return undefined;
}

let sequence = 0;

function usageMetadata(reply: GeminiReply) {
  return {
    promptTokenCount: reply.promptTokens,
    candidatesTokenCount: reply.candidatesTokens,
    totalTokenCount: reply.promptTokens + reply.candidatesTokens + reply.thoughtsTokens,
    ...(reply.thoughtsTokens > 0 && { thoughtsTokenCount: reply.thoughtsTokens }),
    ...(reply.cachedTokens > 0 && { cachedContentTokenCount: reply.cachedTokens }),
    promptTokensDetails: [{ modality: "TEXT", tokenCount: reply.promptTokens }],
  };
}

function wholeResponse(reply: GeminiReply, model: string) {
  return {
    candidates: [
      {
        content: { parts: reply.parts, role: "model" },
        finishReason: reply.finishReason,
        index: 0,
        ...(reply.finishReason === "SAFETY" && {
          safetyRatings: [{ category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true }],
        }),
      },
    ],
    usageMetadata: usageMetadata(reply),
    modelVersion: model,
    responseId: `emu-${++sequence}`,
  };
}

/** Gemini's SSE stream: every event a whole GenerateContentResponse; the last carries finishReason and usage. */
async function streamReply(response: ServerResponse, reply: GeminiReply, model: string, fault: Fault | undefined, options: GeminiEmulatorOptions): Promise<void> {
  const responseId = `emu-${++sequence}`;
  const size = options.chunkSize ?? 8;
  const pieces: Array<Array<Record<string, any>>> = [];
  for (const part of reply.parts) {
    if (typeof part.text === "string" && !part.thought) {
      for (const piece of chunks(part.text, size)) pieces.push([{ text: piece }]);
    } else pieces.push([part]);
  }
  const functionCalls = reply.parts.filter((part) => part.functionCall);
  const textPieces = pieces.filter((piece) => !piece[0]!.functionCall);
  // Function calls arrive together in one chunk, as Gemini sends them.
  const grouped = functionCalls.length > 0 ? [...textPieces, functionCalls] : textPieces;
  if (grouped.length === 0) grouped.push([]);
  const events = grouped.map((parts, index) => {
    const lastEvent = index === grouped.length - 1;
    return {
      candidates: [{ content: { parts, role: "model" }, index: 0, ...(lastEvent && { finishReason: reply.finishReason }) }],
      usageMetadata: lastEvent ? usageMetadata(reply) : { promptTokenCount: reply.promptTokens, totalTokenCount: reply.promptTokens },
      modelVersion: model,
      responseId,
    };
  });
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  await writeEventStream(response, events, {
    fault,
    frame: (event) => `data: ${JSON.stringify(event)}\r\n\r\n`,
    errorFrame: (message = "An internal error has occurred.") => `data: ${JSON.stringify({ error: { code: 500, message, status: "INTERNAL" } })}\r\n\r\n`,
    eventDelayMs: options.eventDelayMs,
  });
}

function partsToText(content: any): string {
  return (Array.isArray(content?.parts) ? content.parts : []).map((part: any) => part.text ?? "").join(" ");
}

function batchEmbed(response: ServerResponse, body: any): void {
  const requests: any[] = Array.isArray(body?.requests) ? body.requests : [];
  if (requests.length === 0) return googleError(response, 400, "* BatchEmbedContentsRequest.requests: requests is not specified");
  sendJson(response, 200, {
    embeddings: requests.map((item) => ({ values: hashVector(partsToText(item.content), item.outputDimensionality ?? 8) })),
  });
}

function predict(response: ServerResponse, body: any): void {
  const instances: any[] = Array.isArray(body?.instances) ? body.instances : [];
  if (instances.length === 0) return googleError(response, 400, "instances is empty");
  const dimensions = body?.parameters?.outputDimensionality ?? 8;
  sendJson(response, 200, {
    predictions: instances.map((instance) => ({
      embeddings: {
        values: hashVector(String(instance.content), dimensions),
        statistics: { token_count: (String(instance.content).match(/\S+/g) ?? []).length, truncated: false },
      },
    })),
    metadata: { billableCharacterCount: instances.reduce((sum, instance) => sum + String(instance.content).length, 0) },
  });
}

function token(response: ServerResponse, text: string, minted: string[]): void {
  const form = new URLSearchParams(text);
  const assertion = form.get("assertion") ?? "";
  if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer" || assertion.split(".").length !== 3) {
    return sendJson(response, 400, { error: "invalid_grant", error_description: "Invalid JWT." });
  }
  const accessToken = `ya29.emulated-${minted.length + 1}`;
  minted.push(accessToken);
  sendJson(response, 200, { access_token: accessToken, expires_in: 3599, token_type: "Bearer" });
}

export { hashVector };
