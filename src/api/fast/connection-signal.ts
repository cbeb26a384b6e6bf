import { setMaxListeners } from "node:events";
import type { Socket } from "node:net";

const signals = new WeakMap<Socket, AbortSignal>();
/** What waits on each connection's signal through `onAbort`. */
const waiting = new WeakMap<AbortSignal, Waiters>();

/** Stops one listener given to `onAbort` from hearing the abort. */
export interface AbortWaiters {
  delete(listener: () => void): void;
}

/**
 * The listeners waiting on one connection's signal, in the order they came. Nearly always one
 * attempt waits at a time: it takes a slot (no hash of a new closure into a set per attempt, which
 * showed in profiles); pipelined requests overflow into a set.
 */
class Waiters implements AbortWaiters {
  private first: (() => void) | undefined = undefined;
  private more: Set<() => void> | undefined = undefined;

  add(listener: () => void): void {
    // Only an empty holder takes the slot, so the slot is always older than the set: calls keep the order.
    if (this.first === undefined && (this.more === undefined || this.more.size === 0)) this.first = listener;
    else (this.more ??= new Set()).add(listener);
  }

  delete(listener: () => void): void {
    if (this.first === listener) this.first = undefined;
    else this.more?.delete(listener);
  }

  /** Calls each listener once; one stopped by an earlier one (before it was reached) is not called. */
  run(): void {
    const first = this.first;
    this.first = undefined;
    first?.();
    const more = this.more;
    if (more === undefined) return;
    for (const listener of more) listener();
    more.clear();
  }
}

/**
 * One AbortSignal per client connection, aborted when the connection closes, instead of one
 * AbortController per request (building a signal is one of the costlier steps of a request in
 * Node 20). A client leaves by closing its connection, and a request answered on a connection
 * ended before it closed, so for each request this says exactly what a signal of its own would:
 * aborted means the client went away before the answer was complete.
 */
export function connectionSignal(socket: Socket): AbortSignal {
  let signal = signals.get(socket);
  if (signal === undefined) {
    const controller = new AbortController();
    const listeners = new Waiters();
    signal = controller.signal;
    // Other code may still listen on the signal itself; pipelined requests may overlap.
    setMaxListeners(0, signal);
    signals.set(socket, signal);
    waiting.set(signal, listeners);
    const abort = () => {
      controller.abort();
      listeners.run();
    };
    if (socket.destroyed) abort();
    else socket.once("close", abort);
  }
  return signal;
}

/**
 * Calls `listener` once when `signal` aborts (at once if it has); `delete(listener)` on what it
 * returns stops listening. On a connection's signal this is a slot of its waiters instead of an
 * EventTarget listener, whose bookkeeping (adding and removing, per upstream attempt) showed in
 * profiles of the fast path.
 */
export function onAbort(signal: AbortSignal, listener: () => void): AbortWaiters {
  if (signal.aborted) {
    listener();
    return NOTHING_WAITS;
  }
  const listeners = waiting.get(signal);
  if (listeners !== undefined) {
    listeners.add(listener);
    return listeners;
  }
  signal.addEventListener("abort", listener, { once: true });
  return { delete: (stopped) => signal.removeEventListener("abort", stopped) };
}

const NOTHING_WAITS: AbortWaiters = { delete() {} };
