import { describe, expect, it } from "vitest";
import { Slots } from "../../src/providers/local/slots.js";

const never = new AbortController().signal;

describe("bounded slots", () => {
  it("hands slots out in order, queues up to the limit and refuses beyond it", async () => {
    const slots = new Slots(1, 1, "m");
    const first = await slots.acquire(never);
    const order: string[] = [];
    const second = slots.acquire(never).then((release) => {
      order.push("second");
      return release;
    });
    await expect(slots.acquire(never)).rejects.toMatchObject({ code: "SWY_ERR_QUEUE_FULL", status: 429, retryAfterSeconds: 1 });
    expect(slots.queued).toBe(1);
    first();
    first(); // releasing twice is harmless
    const release = await second;
    expect(order).toEqual(["second"]);
    expect(slots.inUse).toBe(1);
    release();
    expect(slots.inUse).toBe(0);
  });

  it("drops a waiter whose request is aborted", async () => {
    const slots = new Slots(1, 4, "m");
    const held = await slots.acquire(never);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new DOMException("client went away", "AbortError"));
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    expect(slots.queued).toBe(0);
    held();
    expect(slots.inUse).toBe(0);
  });
});
