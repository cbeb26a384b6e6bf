import type { ChatOptions } from "../../chat-stream";

/** The parameter form as typed (strings, so a half-typed number or schema stays in the field). */
export interface PlaygroundSettings {
  temperature: string;
  maxTokens: string;
  format: "text" | "json_object" | "json_schema";
  schema: string;
  tools: string;
}

export const DEFAULT_SETTINGS: PlaygroundSettings = { temperature: "", maxTokens: "", format: "text", schema: "", tools: "" };

export const EXAMPLE_SCHEMA = JSON.stringify(
  { type: "object", properties: { answer: { type: "string" }, confidence: { type: "number" } }, required: ["answer", "confidence"], additionalProperties: false },
  null,
  2,
);

export const EXAMPLE_TOOLS = JSON.stringify(
  [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "Current weather in a city",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    },
  ],
  null,
  2,
);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The request fields the settings stand for; throws with a message naming the field that is wrong. */
export function chatOptionsOf(settings: PlaygroundSettings): ChatOptions {
  const options: ChatOptions = {};
  if (settings.temperature.trim() !== "") {
    const temperature = Number(settings.temperature);
    if (Number.isNaN(temperature) || temperature < 0 || temperature > 2) throw new Error("Temperature must be a number from 0 to 2.");
    options.temperature = temperature;
  }
  if (settings.maxTokens.trim() !== "") {
    const maxTokens = Number(settings.maxTokens);
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new Error("Max tokens must be a whole number above 0.");
    options.max_tokens = maxTokens;
  }
  if (settings.format === "json_object") options.response_format = { type: "json_object" };
  if (settings.format === "json_schema") {
    const schema = parseJson(settings.schema, "The JSON schema");
    if (!isObject(schema)) throw new Error("The JSON schema must be an object.");
    options.response_format = { type: "json_schema", json_schema: { name: "playground", schema, strict: true } };
  }
  if (settings.tools.trim() !== "") {
    const tools = parseJson(settings.tools, "Tools");
    if (!Array.isArray(tools)) throw new Error("Tools must be a JSON array of tool definitions.");
    tools.forEach((tool, index) => {
      const fn = isObject(tool) ? tool.function : undefined;
      if (!isObject(tool) || tool.type !== "function" || !isObject(fn) || typeof fn.name !== "string") {
        throw new Error(`Tool ${index + 1} needs the shape {"type": "function", "function": {"name": ..., "parameters": {...}}}.`);
      }
    });
    if (tools.length > 0) options.tools = tools;
  }
  return options;
}
