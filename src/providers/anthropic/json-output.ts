import type { JsonTool } from "./request.js";

/** The JSON text a json-tool input stands for: the input itself, or its `value` when the schema was wrapped. */
export function jsonToolText(inputJson: string, tool: JsonTool): string {
  if (!tool.wrapped) return inputJson;
  try {
    const parsed = JSON.parse(inputJson) as { value?: unknown };
    return JSON.stringify(parsed.value ?? null);
  } catch {
    return inputJson;
  }
}
