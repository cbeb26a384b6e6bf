import { EventSourceParserStream } from "eventsource-parser/stream";
import { SwitchyardError } from "../../src/core/errors.js";
import type { CompletionRequest, StreamPart } from "../../src/core/types.js";
import type { CallOptions, ProviderAdapter } from "../../src/providers/contract.js";
import { readBody, sendJson, startServer, type RunningServer } from "../emulators/shared/server.js";

/**
 * An upstream that speaks OpenAI's legacy `POST /v1/completions` (what vLLM, llama.cpp's server and
 * Ollama serve for base models), recording every request. It answers `You wrote: <prompt>`, streamed
 * in chunks of `chunkSize` characters so placeholders are split across events.
 */
export interface LegacyCompletionsEmulator extends RunningServer {
  baseURL: string;
  requests: Array<{ path: string; body: { model: string; prompt: string; stream?: boolean } }>;
}

export async function startLegacyCompletionsEmulator(chunkSize = 3): Promise<LegacyCompletionsEmulator> {
  const requests: LegacyCompletionsEmulator["requests"] = [];
  const running = await startServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as LegacyCompletionsEmulator["requests"][number]["body"];
    requests.push({ path: request.url ?? "", body });
    if (request.url !== "/v1/completions") return sendJson(response, 404, { error: { message: `Unknown path ${request.url}`, type: "invalid_request_error" } });
    const text = `You wrote: ${body.prompt}`;
    if (body.stream !== true) return sendJson(response, 200, { object: "text_completion", model: body.model, choices: [{ index: 0, text, finish_reason: "stop" }] });
    response.writeHead(200, { "content-type": "text/event-stream" });
    for (let start = 0; start < text.length; start += chunkSize) {
      response.write(`data: ${JSON.stringify({ object: "text_completion", choices: [{ index: 0, text: text.slice(start, start + chunkSize), finish_reason: null }] })}\n\n`);
    }
    response.write(`data: ${JSON.stringify({ object: "text_completion", choices: [{ index: 0, text: "", finish_reason: "stop" }] })}\n\n`);
    response.end("data: [DONE]\n\n");
  });
  return Object.assign(running, { baseURL: `${running.url}/v1`, requests });
}

/**
 * A provider whose `complete` calls that upstream over HTTP. No built-in remote provider serves
 * `/v1/completions` yet, so tests add this one to a gateway's model registry.
 */
export function legacyCompletionsProvider(name: string, baseURL: string, local = false): ProviderAdapter {
  return {
    specificationVersion: "v1",
    name,
    type: "legacy-completions",
    local,
    stream() {
      return Promise.reject(new SwitchyardError("SWY_ERR_INVALID_REQUEST", "This provider only serves /v1/completions."));
    },
    async complete(request: CompletionRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>> {
      const response = await fetch(`${baseURL}/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: request.model, prompt: request.prompt, stream: true }),
        signal: options.signal,
      });
      if (!response.ok || !response.body) throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `Upstream answered ${response.status}.`);
      return parts(response.body);
    },
  };
}

async function* parts(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamPart> {
  const events = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const event of events) {
    if (event.data === "[DONE]") break;
    const chunk = JSON.parse(event.data) as { choices: Array<{ text: string; finish_reason: string | null }> };
    const choice = chunk.choices[0]!;
    if (choice.text) yield { type: "text-delta", text: choice.text };
    if (choice.finish_reason) yield { type: "finish", reason: { unified: "stop", raw: choice.finish_reason } };
  }
  yield { type: "usage", usage: { inputTokens: 1, outputTokens: 1 } };
}
