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
    const stop = onAbort(signal, () => heard.push("stopped"));
    onAbort(signal, () => heard.push("second"));
    stop();
    socket.destroy();
    await once(socket, "close");
    expect(signal.aborted).toBe(true);
    expect(heard).toEqual(["first", "second"]);
    // Once aborted, a new listener hears it at once.
    onAbort(signal, () => heard.push("late"));
    expect(heard).toEqual(["first", "second", "late"]);
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
    const stop = onAbort(controller.signal, () => heard.push(1));
    onAbort(controller.signal, () => heard.push(2));
    stop();
    controller.abort();
    expect(heard).toEqual([2]);
  });
});
