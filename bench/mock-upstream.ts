import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/**
 * A lean OpenAI-compatible upstream for the benchmark: fixed JSON completions and SSE streams,
 * nothing recorded, so its own cost stays flat. Model `hold` streams one chunk and then holds the
 * stream open until the client leaves (for the open-streams test). Listens on 127.0.0.1 only.
 *   PORT, MOCK_LATENCY_MS (before the response), MOCK_CHUNKS (content chunks per stream).
 */
const port = Number(process.env.PORT ?? 0);
const latencyMs = Number(process.env.MOCK_LATENCY_MS ?? 0);
const chunkCount = Number(process.env.MOCK_CHUNKS ?? 8);
const HOLD_MS = 180_000;

const usage = { prompt_tokens: 12, completion_tokens: chunkCount, total_tokens: 12 + chunkCount };
const completion = (model: string) =>
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "word ".repeat(chunkCount).trim(), refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage,
    system_fingerprint: "fp_bench",
  });

const chunk = (model: string, delta: object, finish: string | null, extra = "") =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finish === null ? "null" : JSON.stringify(finish)}}]${extra}}\n\n`;

function streamFrames(model: string, includeUsage: boolean): { head: string; rest: string } {
  const head = chunk(model, { role: "assistant", content: "", refusal: null }, null) + chunk(model, { content: "word" }, null);
  let rest = "";
  for (let index = 1; index < chunkCount; index++) rest += chunk(model, { content: " word" }, null);
  rest += chunk(model, {}, "stop");
  if (includeUsage) rest += `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":${JSON.stringify(model)},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
  rest += "data: [DONE]\n\n";
  return { head, rest };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const piece of request) chunks.push(piece as Buffer);
  if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
    response.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  let body: { model?: string; stream?: boolean; stream_options?: { include_usage?: boolean } };
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    response.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"bad json","type":"invalid_request_error"}}');
    return;
  }
  const model = body.model ?? "bench";
  if (latencyMs > 0) await sleep(latencyMs);
  if (body.stream !== true) {
    const text = completion(model);
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
    return;
  }
  const { head, rest } = streamFrames(model, body.stream_options?.include_usage === true);
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  if (model === "hold") {
    response.write(head);
    const timer = setTimeout(() => response.end(rest), HOLD_MS);
    response.once("close", () => clearTimeout(timer));
    return;
  }
  response.write(head);
  response.end(rest);
}

const server = createServer((request, response) => {
  handle(request, response).catch(() => response.destroy());
});
server.keepAliveTimeout = 75_000;
server.maxRequestsPerSocket = 0;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === "object" && address ? address.port : port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
