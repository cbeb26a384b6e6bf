import { genericErrorMessage } from "../shared/http.js";

/** OpenAI-style error bodies: `{error: {message, type, param, code}}`. */
export function openaiErrorMessage(body: string): string | undefined {
  return genericErrorMessage(body);
}
