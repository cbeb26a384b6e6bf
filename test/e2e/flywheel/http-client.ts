/**
 * A small client for a running gateway over real HTTP on 127.0.0.1 (the flywheel test and bench).
 */
export interface Reply {
  status: number;
  json: any;
  body: string;
  headers: Headers;
}

export class GatewayClient {
  constructor(readonly url: string) {}

  async call(key: string, method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: unknown): Promise<Reply> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(payload === undefined ? {} : { "content-type": "application/json" }) },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      // Every call has its own deadline: a stuck server fails the run instead of hanging it.
      signal: AbortSignal.timeout(120_000),
    });
    const body = await response.text();
    let json: unknown = undefined;
    try {
      json = JSON.parse(body);
    } catch {
      // Not JSON: callers read `body`.
    }
    return { status: response.status, json, body, headers: response.headers };
  }

  /** `call`, failing with the answer's body unless the status is 2xx. */
  async ok(key: string, method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: unknown): Promise<any> {
    const reply = await this.call(key, method, path, payload);
    if (reply.status < 200 || reply.status > 299) throw new Error(`${method} ${path} answered ${reply.status}: ${reply.body}`);
    return reply.json;
  }
}
