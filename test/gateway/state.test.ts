import { describe, expect, it } from "vitest";
import { getState, setState, StateKey, stateOf, type ContextState } from "../../src/gateway/state.js";

describe("typed context state", () => {
  it("keeps each key's value apart, even under the same name", () => {
    const context = { state: new Map() as ContextState };
    const first = new StateKey<number>("feature.counter");
    const second = new StateKey<string>("feature.counter");
    setState(context, first, 3);
    expect(getState(context, first)).toBe(3);
    expect(getState(context, second)).toBeUndefined();
    setState(context, second, "three");
    expect(getState(context, first)).toBe(3);
    expect(getState(context, second)).toBe("three");
  });

  it("makes a value once and hands the same one back", () => {
    const context = { state: new Map() as ContextState };
    const key = new StateKey<{ hits: number }>("feature.tally");
    let made = 0;
    const create = () => ({ hits: ++made });
    const tally = stateOf(context, key, create);
    tally.hits += 10;
    expect(stateOf(context, key, create)).toBe(tally);
    expect(made).toBe(1);
    expect(getState(context, key)?.hits).toBe(11);
  });
});
