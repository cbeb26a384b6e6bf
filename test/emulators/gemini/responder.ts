import { exampleFromSchema } from "../shared/schema-example.js";

/** What the emulated Gemini model answers, before it is put in Gemini's wire format. */
export interface GeminiReply {
  parts: Array<Record<string, any>>;
  finishReason: "STOP" | "MAX_TOKENS" | "SAFETY" | "RECITATION" | "PROHIBITED_CONTENT";
  promptTokens: number;
  candidatesTokens: number;
  thoughtsTokens: number;
  cachedTokens: number;
}

type Body = Record<string, any>;

/** Gemini's Schema spells types in upper case (`OBJECT`); the shared example builder wants JSON Schema's. */
function lowerTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lowerTypes);
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === "type" && typeof value === "string" ? value.toLowerCase() : lowerTypes(value)]),
  );
}

const example = (schema: unknown) => exampleFromSchema(lowerTypes(schema));

const countTokens = (text: string) => (text.match(/\S+/g) ?? []).length;

function partsText(content: Body | undefined): string {
  const parts: Body[] = Array.isArray(content?.parts) ? content.parts : [];
  return parts
    .map((part) => {
      if (typeof part.text === "string") return part.text;
      if (part.functionResponse) return JSON.stringify(part.functionResponse.response);
      return "";
    })
    .filter((text) => text.length > 0)
    .join(" ");
}

/** Keywords real Gemini rejects in `responseSchema` / function `parameters` with a 400. */
const rejected = ["additionalProperties", "$schema", "$ref", "$defs", "definitions", "const", "oneOf", "allOf", "$id", "default", "examples"];

export function findRejectedKeyword(schema: unknown, path: string): string | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (rejected.includes(key)) return `${path}.${key}`;
    if (key === "type" && typeof value !== "string") return `${path}.type`;
    const found = findRejectedKeyword(value, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * A deterministic Gemini: calls functions when offered (all of them when the prompt says "all tools")
 * and, like the real service, reports finishReason STOP for such a turn; answers JSON modes with a value
 * matching responseSchema; "unsafe" in the prompt ends in SAFETY; otherwise echoes the last user turn.
 */
export function geminiReply(body: Body): GeminiReply {
  const contents: Body[] = Array.isArray(body.contents) ? body.contents : [];
  const system = partsText(body.systemInstruction);
  const promptTokens = contents.reduce((sum, content) => sum + countTokens(partsText(content)) + 2, countTokens(system));
  const last = contents[contents.length - 1] ?? {};
  const lastParts: Body[] = Array.isArray(last.parts) ? last.parts : [];
  const answeringTool = lastParts.some((part) => part.functionResponse);
  const lastText = partsText(last);
  const declarations: Body[] = (Array.isArray(body.tools) ? body.tools : []).flatMap((tool: Body) => tool.functionDeclarations ?? []);
  const mode = body.toolConfig?.functionCallingConfig?.mode;
  const base = { promptTokens, thoughtsTokens: 0, cachedTokens: 0 };

  if (/unsafe/i.test(lastText)) return { ...base, parts: [], finishReason: "SAFETY", candidatesTokens: 0 };

  if (declarations.length > 0 && mode !== "NONE" && !answeringTool) {
    const allowed: string[] | undefined = body.toolConfig?.functionCallingConfig?.allowedFunctionNames;
    let chosen = declarations.slice(0, 1);
    if (allowed?.length) chosen = declarations.filter((declaration) => allowed.includes(declaration.name));
    else if (/all tools/i.test(lastText)) chosen = declarations;
    const parts = chosen.map((declaration) => ({
      functionCall: { name: declaration.name, args: example(declaration.parameters ?? { type: "object" }) },
    }));
    return { ...base, parts, finishReason: "STOP", candidatesTokens: parts.length * 6 };
  }

  const config = body.generationConfig ?? {};
  let text: string;
  if (config.responseMimeType === "application/json") {
    text = JSON.stringify(config.responseSchema ? example(config.responseSchema) : { answer: lastText });
  } else if (answeringTool) text = `The tool said: ${lastText}`;
  else {
    const images = lastParts.filter((part) => part.inlineData || part.fileData).length;
    text = `You said: ${lastText}${images > 0 ? ` (with ${images} image${images > 1 ? "s" : ""})` : ""}`;
    if (system) text = `[${system}] ${text}`;
  }
  let finishReason: GeminiReply["finishReason"] = "STOP";
  for (const stop of Array.isArray(config.stopSequences) ? config.stopSequences : []) {
    const at = text.indexOf(stop);
    if (at >= 0) text = text.slice(0, at);
  }
  const words = text.split(/(?<=\s)/);
  if (typeof config.maxOutputTokens === "number" && words.length > config.maxOutputTokens) {
    text = words.slice(0, config.maxOutputTokens).join("");
    finishReason = "MAX_TOKENS";
  }
  const thinking = /think/i.test(lastText) && config.thinkingConfig?.includeThoughts === true;
  const parts = [...(thinking ? [{ text: "Let me consider this.", thought: true }] : []), { text }];
  return { ...base, parts, finishReason, candidatesTokens: countTokens(text), thoughtsTokens: thinking ? 4 : 0 };
}
