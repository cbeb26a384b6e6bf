import { setMaxListeners } from "node:events";
import type { Socket } from "node:net";

const signals = new WeakMap<Socket, AbortSignal>();
/** What waits on each connection's signal through `onAbort`. */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

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
    const listeners = new Set<() => void>();
    signal = controller.signal;
    // Other code may still listen on the signal itself; pipelined requests may overlap.
    setMaxListeners(0, signal);
    signals.set(socket, signal);
    waiting.set(signal, listeners);
    const abort = () => {
      controller.abort();
      for (const listener of listeners) listener();
      listeners.clear();
    };
    if (socket.destroyed) abort();
    else socket.once("close", abort);
  }
  return signal;
}

/**
 * Calls `listener` once when `signal` aborts (at once if it has); returns what stops listening. On a
 * connection's signal this is a set entry instead of an EventTarget listener, whose bookkeeping
 * (adding and removing, per upstream attempt) showed in profiles of the fast path.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) {
    listener();
    return noop;
  }
  const listeners = waiting.get(signal);
  if (listeners !== undefined) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}

function noop(): void {}
