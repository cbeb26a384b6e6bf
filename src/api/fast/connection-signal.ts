import { setMaxListeners } from "node:events";
import type { Socket } from "node:net";

const signals = new WeakMap<Socket, AbortSignal>();

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
    signal = controller.signal;
    // Each request in flight on the connection listens while its upstream call is open; pipelined requests may overlap.
    setMaxListeners(0, signal);
    signals.set(socket, signal);
    if (socket.destroyed) controller.abort();
    else socket.once("close", () => controller.abort());
  }
  return signal;
}
