import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";

/** A scorer that needs no model: the answer (and the reference, when it has one) -> 0..1, or null where it does not apply. */
export type ScoreFunction = (output: string, reference: string | undefined) => number | null;

function normalise(text: string, trim: boolean, ignoreCase: boolean): string {
  const spaced = trim ? text.trim().replace(/\s+/g, " ") : text;
  return ignoreCase ? spaced.toLowerCase() : spaced;
}

/** 1 when the answer equals the reference after the chosen normalisation. */
export function exactMatch(options: { trim: boolean; ignore_case: boolean }): ScoreFunction {
  return (output, reference) => {
    if (reference === undefined) return null;
    return normalise(output, options.trim, options.ignore_case) === normalise(reference, options.trim, options.ignore_case) ? 1 : 0;
  };
}

/** 1 when the pattern matches somewhere in the answer; a pattern that does not compile is the caller's 400. */
export function regexMatch(options: { pattern: string; flags?: string }, param: string): ScoreFunction {
  let expression: RegExp;
  try {
    expression = new RegExp(options.pattern, options.flags);
  } catch (error) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for '${param}': the regular expression does not compile (${(error as Error).message}).`, { param });
  }
  return (output) => (expression.test(output) ? 1 : 0);
}

/**
 * 1 when the answer is JSON valid against the schema. zod 4 reads JSON Schema itself
 * (`z.fromJSONSchema`), so no validator dependency ships; a schema it cannot read is a 400.
 * A fenced block (```json ... ```) counts as its content: models often wrap JSON that way.
 */
export function jsonSchemaValid(options: { schema: Record<string, unknown> }, param: string): ScoreFunction {
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(options.schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for '${param}': not a JSON Schema this server can check (${(error as Error).message}).`, { param });
  }
  return (output) => {
    const value = parseJsonAnswer(output);
    if (value === undefined) return 0;
    return validator.safeParse(value.parsed).success ? 1 : 0;
  };
}

export function parseJsonAnswer(output: string): { parsed: unknown } | undefined {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(output);
  const text = fenced ? fenced[1]! : output;
  try {
    return { parsed: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
