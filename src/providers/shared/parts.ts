import type { StreamPart, Warning } from "../../core/types.js";

/** Parses JSON text, or undefined when it is not JSON (a provider's body is checked by its zod schema next). */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The request translation's warnings as `warning` parts ahead of the provider's own parts. Without
 * warnings (the usual case) a provider's stream is returned as it is: a generator layer that only
 * passes parts through costs a promise round trip per part.
 */
export function prependWarnings(
  warnings: readonly Warning[],
  parts: Iterable<StreamPart> | AsyncIterable<StreamPart>,
): AsyncIterable<StreamPart> {
  if (warnings.length === 0 && Symbol.asyncIterator in parts) return parts;
  return withWarnings(warnings, parts);
}

async function* withWarnings(warnings: readonly Warning[], parts: Iterable<StreamPart> | AsyncIterable<StreamPart>): AsyncGenerator<StreamPart> {
  for (const warning of warnings) yield { type: "warning", warning };
  yield* parts;
}
