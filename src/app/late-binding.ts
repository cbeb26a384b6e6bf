import { SwitchyardError } from "../core/errors.js";

/**
 * A function whose implementation is built later in assembly: the cache and knowledge areas embed
 * through the gateway, which is built from their middleware. The binding makes that cycle explicit
 * instead of a closure over a variable declared further down.
 */
export interface LateBinding<Fn extends (...args: never[]) => unknown> {
  readonly call: Fn;
  bind(implementation: Fn): void;
}

export function lateBinding<Fn extends (...args: never[]) => unknown>(name: string): LateBinding<Fn> {
  let implementation: Fn | undefined;
  const call = ((...args: Parameters<Fn>) => {
    if (implementation === undefined) throw new SwitchyardError("SWY_ERR_INTERNAL", `${name} was called before the app finished assembling.`);
    return implementation(...args);
  }) as Fn;
  return {
    call,
    bind(value) {
      implementation = value;
    },
  };
}
