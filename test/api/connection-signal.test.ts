import { once } from "node:events";
import { createServer, Socket, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionSignal, onAbort } from "../../src/api/fast/connection-signal.js";

describe("connection signal", () => {
  const server = createServer((socket) => socket.on("error", () => undefined));
  let port = 0;
  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function connect(): Promise<Socket> {
    const socket = new Socket();
    socket.connect(port, "127.0.0.1");
    await once(socket, "connect");
    return socket;
  }

  it("is one signal per connection, aborted when it closes, and calls what waits on it once", async () => {
    const socket = await connect();
    const signal = connectionSignal(socket);
    expect(connectionSignal(socket)).toBe(signal);
    const heard: string[] = [];
    onAbort(signal, () => heard.push("first"));
    const stopped = () => heard.push("stopped");
    onAbort(signal, stopped).delete(stopped);
    onAbort(signal, () => heard.push("second"));
    socket.destroy();
    await once(socket, "close");
    expect(signal.aborted).toBe(true);
    expect(heard).toEqual(["first", "second"]);
    // Once aborted, a new listener hears it at once.
    onAbort(signal, () => heard.push("late"));
    expect(heard).toEqual(["first", "second", "late"]);
  });

  it("calls waiters in the order they came, and none that left before it was reached", async () => {
    const socket = await connect();
    const signal = connectionSignal(socket);
    const heard: string[] = [];
    const a = () => heard.push("a");
    const b = () => heard.push("b");
    const c = () => heard.push("c");
    const d = () => heard.push("d");
    const waiters = onAbort(signal, a);
    onAbort(signal, b);
    // The oldest leaves; one that comes after it is still called after b.
    waiters.delete(a);
    onAbort(signal, c);
    // A waiter that stops a later one when called: the later one is never called.
    onAbort(signal, () => {
      heard.push("stopper");
      waiters.delete(d);
    });
    onAbort(signal, d);
    socket.destroy();
    await once(socket, "close");
    expect(heard).toEqual(["b", "c", "stopper"]);

    // A connection whose only waiter left calls nothing of it; a later waiter is called.
    const other = await connect();
    const otherSignal = connectionSignal(other);
    const heardOther: string[] = [];
    const gone = () => heardOther.push("gone");
    onAbort(otherSignal, gone).delete(gone);
    onAbort(otherSignal, () => heardOther.push("kept"));
    other.destroy();
    await once(other, "close");
    expect(heardOther).toEqual(["kept"]);
  });

  it("keeps each connection's waiters to itself", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const heard: string[] = [];
    onAbort(connectionSignal(a), () => heard.push("a"));
    onAbort(connectionSignal(b), () => heard.push("b"));
    a.destroy();
    await once(a, "close");
    expect(heard).toEqual(["a"]);
    expect(connectionSignal(b).aborted).toBe(false);
    b.destroy();
    await once(b, "close");
    expect(heard).toEqual(["a", "b"]);
  });

  it("listens on any other signal through the signal itself", () => {
    const controller = new AbortController();
    const heard: number[] = [];
    const first = () => heard.push(1);
    const waiters = onAbort(controller.signal, first);
    onAbort(controller.signal, () => heard.push(2));
    waiters.delete(first);
    controller.abort();
    expect(heard).toEqual([2]);
  });
});
