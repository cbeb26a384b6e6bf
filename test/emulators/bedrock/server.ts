import { createHash, createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { SignatureV4 } from "@smithy/signature-v4";
import { applyPreFault, FaultQueue, writeEventStream, type Fault } from "../shared/faults.js";
import { readJsonRequest, startServer, type EmulatorServer, type RecordedRequest, type StreamPacing } from "../shared/server.js";
import { hashVector } from "../shared/synthetic.js";
import { bedrockReply, validateConverse, type BedrockReply } from "./responder.js";

/**
 * An emulator of the Bedrock runtime wire format: `POST /model/{id}/converse` (JSON),
 * `/converse-stream` (binary application/vnd.amazon.eventstream), `/invoke` (Titan and Cohere
 * embeddings). Every request's SigV4 signature is checked by signing it again with the known keys.
 * Errors carry `x-amzn-errortype`; faults include exception messages inside a 200 stream.
 */
export interface BedrockEmulatorOptions extends StreamPacing {
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  reply?: (body: Record<string, any>) => BedrockReply;
}

export type { RecordedRequest };

export interface BedrockEmulator extends EmulatorServer {
  options: BedrockEmulatorOptions;
}

const errorTypes: Record<number, string> = {
  400: "ValidationException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  408: "ModelTimeoutException",
  424: "ModelErrorException",
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};

export function bedrockError(response: ServerResponse, status: number, message: string, type = errorTypes[status] ?? "InternalServerException", headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ message });
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": `req-${Date.now()}`,
    "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    ...headers,
  });
  response.end(text);
}

function sendJson(response: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-amzn-requestid": `req-${Date.now()}`, ...headers });
  response.end(text);
}

const defaultCredentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

export async function startBedrockEmulator(options: BedrockEmulatorOptions = {}): Promise<BedrockEmulator> {
  const state = { requests: [] as RecordedRequest[], faults: new FaultQueue() };
  const credentials = options.credentials ?? defaultCredentials;

  const running = await startServer(async (request, response) => {
    const rawPath = request.url ?? "/";
    const { text, body, malformed } = await readJsonRequest(request);
    if (malformed) return bedrockError(response, 400, "Malformed input request, please reformat your input and try again.", "SerializationException");
    state.requests.push({ method: request.method ?? "GET", path: rawPath, headers: request.headers, body });

    const signatureProblem = await checkSignature(request, rawPath, text, credentials);
    if (signatureProblem) return bedrockError(response, 403, signatureProblem, signatureProblem.startsWith("The security token") ? "UnrecognizedClientException" : "InvalidSignatureException");

    const match = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(rawPath.split("?")[0]!);
    if (!match) return bedrockError(response, 404, `Unknown operation ${rawPath}`, "UnknownOperationException");
    const modelId = decodeURIComponent(match[1]!);
    const operation = match[2]!;

    const fault = state.faults.next();
    // Bedrock's throttling carries no retry-after; only the headers a fault names are sent.
    const answered = await applyPreFault(fault, request, response, (status) =>
      bedrockError(response, status.status, status.message ?? `Emulated ${status.status}`, undefined, status.headers),
    );
    if (answered) return;
    if (modelId === "missing-model") return bedrockError(response, 400, "The provided model identifier is invalid.");

    if (operation === "invoke") return invoke(response, modelId, body);
    const invalid = validateConverse(body);
    if (invalid) return bedrockError(response, 400, invalid);
    const reply = (options.reply ?? bedrockReply)(body);
    if (operation === "converse") {
      return sendJson(response, {
        output: { message: { role: "assistant", content: reply.content } },
        stopReason: reply.stopReason,
        usage: { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, totalTokens: reply.inputTokens + reply.outputTokens },
        metrics: { latencyMs: 12 },
      });
    }
    return streamReply(response, reply, fault, options);
  });

  return Object.assign(running, {
    options,
    get requests() {
      return state.requests;
    },
    get faults() {
      return state.faults;
    },
  }) as BedrockEmulator;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === "string" ? Buffer.from(data) : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

class Sha256 {
  private hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

/** Re-signs the request as received with the known keys; any difference in the signature is a 403, as on AWS. */
async function checkSignature(request: IncomingMessage, rawPath: string, body: string, credentials: BedrockEmulatorOptions["credentials"] & {}): Promise<string | undefined> {
  const authorization = request.headers.authorization ?? "";
  const parsed = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!parsed) return "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.";
  const [, accessKeyId, , region, service, signedHeaders] = parsed;
  if (accessKeyId !== credentials.accessKeyId) return "The security token included in the request is invalid.";
  if (service !== "bedrock") return `Credential should be scoped to correct service: 'bedrock'.`;
  const amzDate = String(request.headers["x-amz-date"] ?? "");
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!date) return "Missing x-amz-date.";
  const signingDate = new Date(Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!));
  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(";")) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const [path, search = ""] = rawPath.split("?");
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search)) query[key] = value;
  const signer = new SignatureV4({ service: "bedrock", region: region!, credentials, sha256: Sha256 });
  const host = String(request.headers.host ?? "");
  const signed = await signer.sign(
    { method: request.method ?? "POST", protocol: "http:", hostname: host.split(":")[0]!, path: path!, query, headers, body },
    { signingDate },
  );
  if (signed.headers.authorization !== authorization) {
    return "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.";
  }
  return undefined;
}

const codec = new EventStreamCodec(
  (input: Uint8Array) => new TextDecoder().decode(input),
  (input: string) => new TextEncoder().encode(input),
);

const str = (value: string) => ({ type: "string" as const, value });

export function encodeEvent(eventType: string, payload: Record<string, unknown>): Uint8Array {
  // Real payloads carry a random-length "p" field so that sizes do not leak content.
  const body = new TextEncoder().encode(JSON.stringify({ ...payload, p: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0".slice(0, 1 + (eventType.length % 20)) }));
  return codec.encode({ headers: { ":event-type": str(eventType), ":content-type": str("application/json"), ":message-type": str("event") }, body });
}

export function encodeException(exceptionType: string, message: string): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify({ message }));
  return codec.encode({ headers: { ":exception-type": str(exceptionType), ":content-type": str("application/json"), ":message-type": str("exception") }, body });
}

/** ConverseStream's event sequence: messageStart, per block start/delta.../stop, messageStop, metadata. */
export function converseStreamEvents(reply: BedrockReply, chunkSize = 8): Array<[string, Record<string, unknown>]> {
  const events: Array<[string, Record<string, unknown>]> = [["messageStart", { role: "assistant" }]];
  reply.content.forEach((block, contentBlockIndex) => {
    if ("text" in block) {
      for (let index = 0; index < block.text.length; index += chunkSize) {
        events.push(["contentBlockDelta", { contentBlockIndex, delta: { text: block.text.slice(index, index + chunkSize) } }]);
      }
    } else {
      events.push(["contentBlockStart", { contentBlockIndex, start: { toolUse: { toolUseId: block.toolUse.toolUseId, name: block.toolUse.name } } }]);
      const input = JSON.stringify(block.toolUse.input);
      for (let index = 0; index < input.length; index += 6) {
        events.push(["contentBlockDelta", { contentBlockIndex, delta: { toolUse: { input: input.slice(index, index + 6) } } }]);
      }
    }
    events.push(["contentBlockStop", { contentBlockIndex }]);
  });
  events.push(["messageStop", { stopReason: reply.stopReason }]);
  events.push([
    "metadata",
    { usage: { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, totalTokens: reply.inputTokens + reply.outputTokens }, metrics: { latencyMs: 15 } },
  ]);
  return events;
}

async function streamReply(response: ServerResponse, reply: BedrockReply, fault: Fault | undefined, options: BedrockEmulatorOptions): Promise<void> {
  const events = converseStreamEvents(reply, options.chunkSize);
  response.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": `req-${Date.now()}` });
  await writeEventStream(response, events, {
    fault,
    frame: ([eventType, payload]) => encodeEvent(eventType, payload),
    errorFrame: (message) => {
      // "ThrottlingException: ..." in a fault's message names the exception; otherwise a model stream error.
      const named = /^(\w+Exception): (.*)$/.exec(message ?? "");
      return named ? encodeException(named[1]!, named[2]!) : encodeException("modelStreamErrorException", message ?? "The model stream had an error.");
    },
    eventDelayMs: options.eventDelayMs,
  });
}

const words = (text: string) => (text.match(/\S+/g) ?? []).length;

function invoke(response: ServerResponse, modelId: string, body: any): void {
  if (modelId.startsWith("amazon.titan-embed")) {
    if (typeof body?.inputText !== "string") return bedrockError(response, 400, "Malformed input request: required key [inputText] not found");
    const tokens = words(body.inputText);
    return sendJson(response, { embedding: hashVector(body.inputText, body.dimensions ?? 8), embeddingsByType: {}, inputTextTokenCount: tokens }, {
      "x-amzn-bedrock-input-token-count": String(tokens),
    });
  }
  if (modelId.startsWith("cohere.embed")) {
    const texts: unknown = body?.texts;
    if (!Array.isArray(texts) || typeof body.input_type !== "string") {
      return bedrockError(response, 400, "Malformed input request: required key [input_type] not found");
    }
    const tokens = texts.reduce((sum: number, text) => sum + words(String(text)), 0);
    return sendJson(
      response,
      { id: `emb-${Date.now()}`, response_type: "embeddings_floats", texts, embeddings: texts.map((text) => hashVector(String(text), 8)) },
      { "x-amzn-bedrock-input-token-count": String(tokens) },
    );
  }
  return bedrockError(response, 400, `The model ${modelId} does not support InvokeModel in this emulator.`);
}
