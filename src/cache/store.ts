import type { ChatResponse } from "../core/types.js";

/** What the cache keeps for one request: the collected response and where it came from. */
export interface CachedResponse {
  response: ChatResponse;
  /** Epoch ms when stored. */
  storedAt: number;
  route?: { provider: string; providerType: string; model: string };
}

export interface CacheStore {
  readonly kind: "memory" | "redis";
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}
