/** Google error bodies: `{error: {code, message, status}}`, sometimes wrapped in a one-element array. */
export function geminiErrorMessage(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const root = Array.isArray(parsed) ? parsed[0] : parsed;
    const error = (root as { error?: { message?: unknown; status?: unknown } } | undefined)?.error;
    if (error && typeof error.message === "string") {
      return typeof error.status === "string" ? `${error.status}: ${error.message}` : error.message;
    }
  } catch {
    // not JSON
  }
  return undefined;
}
