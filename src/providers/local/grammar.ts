import type { Llama, LlamaGrammar } from "node-llama-cpp";
import { SwitchyardError } from "../../core/errors.js";
import type { ResponseFormat } from "../../core/types.js";

const cache = new Map<string, Promise<LlamaGrammar>>();
const CACHE_LIMIT = 64;

/**
 * The llama.cpp grammar for a JSON response format: sampling can only pick tokens that keep the
 * output valid JSON (matching the schema when one is given), so the JSON is valid by construction.
 */
export async function grammarFor(llama: Llama, format: ResponseFormat | undefined): Promise<LlamaGrammar | undefined> {
  if (format?.type !== "json") return undefined;
  const key = format.schema ? JSON.stringify(format.schema) : "";
  let grammar = cache.get(key);
  if (!grammar) {
    grammar = build(llama, format.schema);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, grammar);
    grammar.catch(() => cache.delete(key));
  }
  return grammar;
}

async function build(llama: Llama, schema: Record<string, unknown> | undefined): Promise<LlamaGrammar> {
  try {
    if (!schema) return await llama.getGrammarFor("json");
    // The library's schema type is a deep generic; the schema was validated as JSON at the edge.
    return await llama.createGrammarForJsonSchema(schema as unknown as Parameters<Llama["createGrammarForJsonSchema"]>[0]);
  } catch (error) {
    throw new SwitchyardError(
      "SWY_ERR_INVALID_REQUEST",
      `The JSON schema cannot be turned into a grammar for a local model: ${(error as Error).message}`,
      { param: "response_format.json_schema.schema", cause: error },
    );
  }
}
