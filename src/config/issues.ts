import type { z } from "zod";

/** Formats zod issues as `path: message` lines, with a hint for unknown keys. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: Array<string | number> = []): string[] {
  return issues.map((issue) => {
    const path = formatPath([...prefix, ...(issue.path as Array<string | number>)]);
    if (issue.code === "unrecognized_keys") {
      return `${path || "(root)"}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")} (check the spelling against the configuration reference in README.md)`;
    }
    return `${path || "(root)"}: ${issue.message}`;
  });
}

export function formatPath(path: ReadonlyArray<string | number | symbol>): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out.length === 0 ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
