import { describe, expect, it } from "vitest";
import { InFlightRequests } from "../../src/config/in-flight.js";

describe("InFlightRequests", () => {
  it("runs a retirement only once no request of its generation or an earlier one is left", () => {
    const inFlight = new InFlightRequests();
    const ran: string[] = [];
    const first = inFlight.enter();
    inFlight.advance(() => ran.push("after generation 0"));
    const second = inFlight.enter();
    inFlight.advance(() => ran.push("after generation 1"));
    expect(inFlight.draining).toBe(2);

    // The newer request ending does not release what an older request may still use.
    second();
    expect(ran).toEqual([]);
    first();
    expect(ran).toEqual(["after generation 0", "after generation 1"]);
    expect(inFlight.draining).toBe(0);
  });

  it("runs at once when nothing is in flight, and counts each release once", () => {
    const inFlight = new InFlightRequests();
    const ran: number[] = [];
    const release = inFlight.enter();
    release();
    release();
    inFlight.advance(() => ran.push(1));
    expect(ran).toEqual([1]);
    const late = inFlight.enter();
    inFlight.advance(() => ran.push(2));
    expect(ran).toEqual([1]);
    inFlight.flush();
    expect(ran).toEqual([1, 2]);
    late();
    expect(ran).toEqual([1, 2]);
  });
});
