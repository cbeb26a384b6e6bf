import { createRequire } from "node:module";
import type * as Undici from "undici";

// undici's entry point loads all it offers (fetch, WebSocket, caches, mocks, proxy agents): ~3 MB of
// heap that stays resident. Upstream calls need only the Agent and `request`, so only their files
// load. The paths are undici's own layout (the version is pinned); a moved file fails at start-up.
const require = createRequire(import.meta.url);

export const Agent = require("undici/lib/dispatcher/agent.js") as typeof Undici.Agent;
export type Agent = Undici.Agent;

const api = require("undici/lib/api/index.js") as {
  request(this: Undici.Dispatcher, options: Undici.Dispatcher.RequestOptions): Promise<Undici.Dispatcher.ResponseData>;
};
const { parseURL } = require("undici/lib/core/util.js") as { parseURL(url: string): URL };

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, "origin" | "path" | "method"> & {
  method?: Undici.Dispatcher.HttpMethod;
  dispatcher: Undici.Dispatcher;
};

/** `undici.request(url, options)` for a given dispatcher: the entry point's wrapper, without its global dispatcher. */
export function request(url: string, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const parsed = parseURL(url);
  return api.request.call(options.dispatcher, {
    ...options,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: options.method ?? (options.body ? "PUT" : "GET"),
  });
}
