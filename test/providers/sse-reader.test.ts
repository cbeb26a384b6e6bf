import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readServerSentEvents } from "../../src/providers/shared/sse.js";

describe("SSE reader stopping at the last event", () => {
  let server: Server;
  let base: string;
  const agent = new Agent();

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"n":1}\n\n');
      // "/ends": the last event and the end of the body arrive together, as real providers send them.
      if (req.url === "/ends") res.end("data: [DONE]\n\n");
      else res.write("data: [DONE]\n\n"); // "/lingers": the connection stays open after the last event.
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function readUntilDone(path: string) {
    const response = await request(`${base}${path}`, { dispatcher: agent });
    const seen: string[] = [];
    for await (const event of readServerSentEvents(response.body)) {
      seen.push(event.data);
      if (event.data === "[DONE]") break;
    }
    return { seen, body: response.body };
  }

  it("lets a body that ends with the last event end normally instead of destroying it", async () => {
    const { seen, body } = await readUntilDone("/ends");
    expect(seen).toEqual(['{"n":1}', "[DONE]"]);
    expect(body.readableEnded).toBe(true);
    expect(body.errored).toBeNull();
  });

  it("destroys a body that stays open after the consumer stopped", async () => {
    const { seen, body } = await readUntilDone("/lingers");
    expect(seen).toEqual(['{"n":1}', "[DONE]"]);
    expect(body.destroyed).toBe(true);
    expect(body.readableEnded).toBe(false);
  });
});
