import type OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { startAnthropicEmulator, type AnthropicEmulator } from "../emulators/anthropic/server.js";
import { startBedrockEmulator, type BedrockEmulator } from "../emulators/bedrock/server.js";
import { startGeminiEmulator, type GeminiEmulator } from "../emulators/gemini/server.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

export const MASTER = "sk-master-responses";
const bedrockCredentials = { accessKeyId: "AKIDRESP", secretAccessKey: "resp/secret" };

export interface Upstreams {
  openai: OpenaiEmulator;
  anthropic: AnthropicEmulator;
  gemini: GeminiEmulator;
  bedrock: BedrockEmulator;
}

export async function startUpstreams(): Promise<Upstreams> {
  const [openai, anthropic, gemini, bedrock] = await Promise.all([
    startOpenaiEmulator(),
    startAnthropicEmulator({ apiKey: "sk-ant-resp" }),
    startGeminiEmulator({ apiKey: "gm-resp" }),
    startBedrockEmulator({ credentials: bedrockCredentials }),
  ]);
  // Node's 5 s keep-alive default lets a busy machine reuse a socket the emulator already closed.
  for (const emulator of [openai, anthropic, gemini, bedrock]) emulator.server.keepAliveTimeout = 120_000;
  return { openai, anthropic, gemini, bedrock };
}

export async function closeUpstreams(upstreams: Upstreams | undefined): Promise<void> {
  if (!upstreams) return;
  await Promise.all(Object.values(upstreams).map((emulator: { close(): Promise<void> }) => emulator.close()));
}

/** One gateway serving a model per provider family (`gpt`, `claude`, `gemini`, `bedrock`), with the breaker off. */
export function startResponsesGateway(upstreams: Upstreams, extra: Record<string, unknown> = {}): Promise<RunningGateway> {
  const strategy = { circuit_breaker: { enabled: false } };
  return startGateway(
    {
      providers: {
        oa: { type: "openai", base_url: upstreams.openai.baseURL, api_key: "none" },
        claude: { type: "anthropic", base_url: upstreams.anthropic.url, api_key: "env:ANTHROPIC_KEY" },
        google: { type: "gemini", base_url: upstreams.gemini.url, api_key: "env:GEMINI_KEY" },
        aws: { type: "bedrock", base_url: upstreams.bedrock.url },
      },
      models: {
        gpt: { routes: [{ provider: "oa", model: "gpt-4o-mini" }], strategy },
        claude: { routes: [{ provider: "claude", model: "claude-sonnet-test" }], strategy },
        gemini: { routes: [{ provider: "google", model: "gemini-2.0-flash" }], strategy },
        bedrock: { routes: [{ provider: "aws", model: "anthropic.claude-3-5-sonnet-20240620-v1:0" }], strategy },
      },
      ...extra,
    },
    {
      env: {
        SWITCHYARD_MASTER_KEY: MASTER,
        ANTHROPIC_KEY: "sk-ant-resp",
        GEMINI_KEY: "gm-resp",
        AWS_ACCESS_KEY_ID: bedrockCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: bedrockCredentials.secretAccessKey,
        AWS_REGION: "us-east-1",
      },
    },
  );
}

/** A project and a virtual key of it, made through the admin API. */
export async function projectKey(gateway: RunningGateway, name: string, keyFields: Record<string, unknown> = {}): Promise<string> {
  const admin = async (url: string, payload: Record<string, unknown>) => {
    const response = await gateway.server.inject({ method: "POST", url, headers: { authorization: `Bearer ${MASTER}` }, payload });
    if (response.statusCode >= 300) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json<Record<string, unknown>>();
  };
  const project = await admin("/admin/projects", { name });
  const key = await admin("/admin/keys", { project_id: project.id, ...keyFields });
  return String(key.key);
}

/** Event types in order, with runs of the same delta type collapsed to one. */
export function eventShape(events: readonly ResponseStreamEvent[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    if (event.type.endsWith(".delta") && out.at(-1) === event.type) continue;
    out.push(event.type);
  }
  return out;
}

export async function collectEvents(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export type Client = OpenAI;
