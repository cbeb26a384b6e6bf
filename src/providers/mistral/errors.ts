import { mistralErrorSchema } from "./wire.js";

type Detail = { msg?: string | null; loc?: unknown[] | null };

const describe = (details: Detail[]) =>
  details.map((detail) => `${(detail.loc ?? []).join(".")}: ${detail.msg ?? "invalid"}`).join("; ");

/** Mistral error bodies: `{object: "error", message}`, or 422 validation errors with `detail` lists. */
export function mistralErrorMessage(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = mistralErrorSchema.safeParse(parsed);
  if (!error.success) return undefined;
  const { message, detail } = error.data;
  if (typeof message === "string") return message;
  if (message?.detail?.length) return describe(message.detail);
  if (detail?.length) return describe(detail);
  return undefined;
}
