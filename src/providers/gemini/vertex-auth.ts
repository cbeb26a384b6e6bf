import { createSign } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Dispatcher } from "undici";
import { request } from "../shared/undici-core.js";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";
import { safeJson } from "../shared/parts.js";

const serviceAccountSchema = z.object({
  client_email: z.string(),
  private_key: z.string(),
  token_uri: z.string().url().default("https://oauth2.googleapis.com/token"),
});

const tokenResponseSchema = z.object({ access_token: z.string(), expires_in: z.number().nullish() });

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** Yields a bearer token for Vertex AI: a configured access token, or one minted from a service-account key. */
export type TokenSource = () => Promise<string>;

export function staticTokenSource(read: () => string | undefined, provider: string): TokenSource {
  return async () => {
    const token = read();
    if (!token) throw new SwitchyardError("SWY_ERR_UPSTREAM_AUTH", `${provider}: no Vertex AI access token is set`);
    return token;
  };
}

/**
 * OAuth 2.0 JWT-bearer flow with a service-account key (RS256-signed assertion exchanged at the key's
 * token_uri). Tokens are cached and renewed a minute before they expire; concurrent callers share one exchange.
 */
export function serviceAccountTokenSource(path: string, provider: string, dispatcher: Dispatcher): TokenSource {
  let parsed: z.infer<typeof serviceAccountSchema>;
  try {
    parsed = serviceAccountSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (error) {
    throw new SwitchyardError("SWY_ERR_INTERNAL", `${provider}: cannot read service account file ${path}`, { cause: error });
  }
  const account = parsed;
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function exchange(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({
      iss: account.client_email,
      scope: SCOPE,
      aud: account.token_uri,
      iat: now,
      exp: now + 3600,
    })}`;
    const signature = createSign("RSA-SHA256").update(unsigned).sign(account.private_key, "base64url");
    const form = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion: `${unsigned}.${signature}`,
    });
    const response = await request(account.token_uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      dispatcher,
    }).catch((error: unknown) => {
      throw new SwitchyardError("SWY_ERR_UPSTREAM_UNAVAILABLE", `${provider}: token endpoint unreachable`, { cause: error });
    });
    const text = await response.body.text();
    const token = tokenResponseSchema.safeParse(safeJson(text));
    if (response.statusCode !== 200 || !token.success) {
      throw new SwitchyardError("SWY_ERR_UPSTREAM_AUTH", `${provider}: service account token exchange failed (HTTP ${response.statusCode})`, {
        upstream: { provider, url: account.token_uri, status: response.statusCode, body: text.slice(0, 500) },
      });
    }
    cached = { token: token.data.access_token, expiresAt: Date.now() + (token.data.expires_in ?? 3600) * 1000 };
    return cached.token;
  }

  return async () => {
    if (cached && cached.expiresAt - 60_000 > Date.now()) return cached.token;
    pending ??= exchange().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
