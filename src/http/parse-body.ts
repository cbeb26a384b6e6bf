import type { z } from "zod";
import { SwitchyardError } from "../core/errors.js";
import { formatPath } from "../config/issues.js";

/** Validates a request body; the first problem becomes a 400 naming the field. */
export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The request body must be a JSON object.");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = formatPath(issue.path);
  throw new SwitchyardError(
    "SWY_ERR_INVALID_REQUEST",
    param ? `Invalid value for '${param}': ${describeIssue(issue)}` : describeIssue(issue),
    { param: param || undefined },
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union" || issue.code === "invalid_type") {
    if (issue.code === "invalid_type" && issue.input === undefined) return "this field is required.";
    return issue.message;
  }
  return issue.message;
}

/** Validates one path or query value; a problem becomes a 400 naming the parameter. */
export function parseParam<Schema extends z.ZodType>(schema: Schema, value: unknown, param: string): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for '${param}': ${describeIssue(result.error.issues[0]!)}`, { param });
}
