/**
 * The change bus: how one node tells every node (itself included) that shared state changed, so
 * each reloads its in-memory copy from the database. Messages are hints, never the data: a handler
 * re-reads what it caches, so a lost, repeated or reordered message is harmless, and the periodic
 * reconcile (every handler called with `reason: "reconcile"`) heals whatever a missed message left.
 */

/** Why a handler runs: a message from any node, or the periodic/after-reconnect reconcile. */
export interface ChangeMessage {
  topic: string;
  /** What the publisher said changed (a name or id); absent on reconcile. */
  payload?: string;
  reason: "message" | "reconcile";
}

export type ChangeHandler = (message: ChangeMessage) => void | Promise<void>;

export interface ChangeBus {
  /** `in-process` (one node) or `postgres` (LISTEN/NOTIFY across nodes). */
  readonly kind: "in-process" | "postgres";
  /** Tells every subscriber of `topic` on every node; resolves once the message is handed to the transport. */
  publish(topic: string, payload?: string): Promise<void>;
  /** Runs `handler` for every message on `topic`, and on every reconcile. Returns an unsubscribe function. */
  subscribe(topic: string, handler: ChangeHandler): () => void;
  /** Calls every handler now with `reason: "reconcile"` (also run on a timer and after a reconnect). */
  reconcile(): Promise<void>;
  close(): Promise<void>;
}

export interface ChangeBusOptions {
  /** How often every handler reconciles; 0 turns the timer off. */
  reconcileMs: number;
  /** Where a failing handler is reported (a handler never breaks the bus). */
  onError: (error: unknown, message: ChangeMessage) => void;
}

/** The subscriber table and reconcile timer every transport shares; a transport only moves messages. */
export class Subscribers {
  private readonly handlers = new Map<string, Set<ChangeHandler>>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ChangeBusOptions) {
    if (options.reconcileMs > 0) {
      this.timer = setInterval(() => void this.reconcile(), options.reconcileMs);
      this.timer.unref();
    }
  }

  subscribe(topic: string, handler: ChangeHandler): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => void set.delete(handler);
  }

  async deliver(message: ChangeMessage): Promise<void> {
    const set = this.handlers.get(message.topic);
    if (!set) return;
    await Promise.all([...set].map((handler) => this.run(handler, message)));
  }

  async reconcile(): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const [topic, set] of this.handlers) for (const handler of set) runs.push(this.run(handler, { topic, reason: "reconcile" }));
    await Promise.all(runs);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.handlers.clear();
  }

  private async run(handler: ChangeHandler, message: ChangeMessage): Promise<void> {
    try {
      await handler(message);
    } catch (error) {
      this.options.onError(error, message);
    }
  }
}

/** One node (SQLite, embedded): messages go straight to this process's handlers, after the current turn. */
export function createInProcessBus(options: ChangeBusOptions): ChangeBus {
  const subscribers = new Subscribers(options);
  return {
    kind: "in-process",
    async publish(topic, payload) {
      // Delivered on a later turn, like a remote message, so a publisher never re-enters its own handler.
      setImmediate(() => void subscribers.deliver({ topic, payload, reason: "message" }));
    },
    subscribe: (topic, handler) => subscribers.subscribe(topic, handler),
    reconcile: () => subscribers.reconcile(),
    async close() {
      subscribers.close();
    },
  };
}
