import { createRequire } from "node:module";
import { sql } from "../storage/kysely.js";
import type pg from "pg";
import type { Storage } from "../storage/database.js";
import { Subscribers, type ChangeBus, type ChangeBusOptions } from "./change-bus.js";

// pg loads only for a PostgreSQL database, like the storage layer's own pool.
const require = createRequire(import.meta.url);

/** One channel for every topic: NOTIFY is per database, so nodes on another database never hear it. */
const CHANNEL = "switchyard_changes";
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; payloads here are names and ids. */
const MAX_PAYLOAD = 7000;
const RECONNECT_MAX_MS = 5000;

/**
 * The change bus over PostgreSQL LISTEN/NOTIFY: one dedicated connection listens (outside the pool,
 * since a pooled client may be handed to a query), publishing is `pg_notify` through the pool. The
 * state the messages describe lives in the same database, so no second service has to be up for a
 * change to travel. After the listener reconnects, every handler reconciles: messages sent while it
 * was away are gone.
 */
export async function createPostgresBus(storage: Storage, url: string, options: ChangeBusOptions): Promise<ChangeBus> {
  const { Client } = require("pg") as typeof pg;
  const subscribers = new Subscribers(options);
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 250;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new Client({ connectionString: url });
    next.on("notification", (notification) => {
      if (notification.channel !== CHANNEL || notification.payload === undefined) return;
      let parsed: { topic?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(notification.payload) as typeof parsed;
      } catch {
        return;
      }
      if (typeof parsed.topic !== "string") return;
      void subscribers.deliver({ topic: parsed.topic, payload: typeof parsed.payload === "string" ? parsed.payload : undefined, reason: "message" });
    });
    const lost = () => {
      if (client !== next) return;
      client = undefined;
      next.removeAllListeners("notification");
      void next.end().catch(() => undefined);
      schedule();
    };
    next.on("error", lost);
    next.on("end", lost);
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    client = next;
    retryMs = 250;
  };

  const schedule = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().then(
        () => subscribers.reconcile(),
        (error: unknown) => {
          options.onError(error, { topic: "*", reason: "reconcile" });
          retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
          schedule();
        },
      );
    }, retryMs);
    retryTimer.unref();
  };

  await connect();
  return {
    kind: "postgres",
    async publish(topic, payload) {
      const text = JSON.stringify(payload === undefined ? { topic } : { topic, payload });
      // Too long to travel: the receivers reload the whole topic, which is what a payload-less message means.
      const message = Buffer.byteLength(text) > MAX_PAYLOAD ? JSON.stringify({ topic }) : text;
      await sql`select pg_notify(${CHANNEL}, ${message})`.execute(storage.db);
    },
    subscribe: (topic, handler) => subscribers.subscribe(topic, handler),
    reconcile: () => subscribers.reconcile(),
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      subscribers.close();
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
