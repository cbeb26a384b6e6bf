/**
 * Gemini attaches an opaque `thoughtSignature` to function-call parts of thinking models and (Gemini 3)
 * rejects a later turn that does not send it back. The canonical tool call has no place for it, so it
 * travels inside the tool call id the client echoes: `call_<random>__thought__<signature, base64url>`.
 */
const MARKER = "__thought__";

export function toolCallIdWithSignature(id: string, signature: string | null | undefined): string {
  if (!signature) return id;
  return `${id}${MARKER}${Buffer.from(signature, "base64").toString("base64url")}`;
}

export function signatureFromToolCallId(id: string): string | undefined {
  const at = id.indexOf(MARKER);
  if (at < 0) return undefined;
  const encoded = id.slice(at + MARKER.length);
  return encoded ? Buffer.from(encoded, "base64url").toString("base64") : undefined;
}
