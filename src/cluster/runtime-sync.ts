/**
 * Keeps every node's providers and models in step with the database: stored credentials and the
 * admin API's providers and models. A change on one node publishes `credentials` or
 * `runtime-config`; each node then rebuilds its runtime through the config reloader (unchanged
 * providers keep their adapters). A reconcile rebuilds only when what is stored differs from what
 * this node last applied, so the timer costs a query, not a rebuild.
 */
import { createHash } from "node:crypto";
import type { Logger } from "../observability/logger.js";
import type { ChangeBus, ChangeMessage } from "./change-bus.js";
import { changeTopics } from "./topics.js";

export interface RuntimeSyncOptions {
  bus: ChangeBus;
  /** A string that changes whenever anything a rebuild reads from the database changes. */
  fingerprint: () => Promise<string>;
  /** Rebuilds the runtime from the stored state; resolves with whether it was applied. */
  refresh: () => Promise<{ applied: boolean; problems?: string[] }>;
  logger: Logger;
}

// Only a digest is kept: the fingerprint holds decrypted credentials.
const digest = (text: string) => createHash("sha256").update(text).digest("base64");

export async function syncRuntimeConfig(options: RuntimeSyncOptions): Promise<() => void> {
  let applied = digest(await options.fingerprint());
  let running: Promise<void> = Promise.resolve();
  const handle = (message: ChangeMessage) => {
    // One rebuild at a time, in order: a second message waits for the first rebuild, then compares again.
    running = running.then(async () => {
      const now = digest(await options.fingerprint());
      if (now === applied) return;
      const outcome = await options.refresh();
      if (outcome.applied) {
        applied = now;
        return;
      }
      options.logger.warn({ topic: message.topic, problems: outcome.problems }, "a stored provider, model or credential does not apply on this node; serving the previous runtime");
    });
    return running;
  };
  const stops = [options.bus.subscribe(changeTopics.credentials, handle), options.bus.subscribe(changeTopics.runtimeConfig, handle)];
  return () => stops.forEach((stop) => stop());
}
