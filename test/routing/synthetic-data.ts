import type { RoutingRow } from "../../src/routing/auto/dataset.js";

/**
 * A made-up routing dataset with a learnable signal: multi-step questions (several numbers, "then",
 * percentages) are where the weak model fails. Words are drawn from a seeded generator so train and
 * test prompts differ.
 */
export function syntheticRows(count: number, seed: number): RoutingRow[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const names = ["Ana", "Bo", "Cyd", "Dee", "Eli", "Fay", "Gus", "Hal"];
  const things = ["apples", "books", "coins", "shells", "stamps", "marbles", "cards"];
  const rows: RoutingRow[] = [];
  for (let index = 0; index < count; index++) {
    const hard = random() < 0.4;
    const name = pick(names);
    const thing = pick(things);
    const prompt = hard
      ? `${name} has ${Math.floor(random() * 900) + 100} ${thing}, sells ${Math.floor(random() * 40) + 10}% of them, then buys ${Math.floor(random() * 90) + 10} more and then gives away a third. How many ${thing} are left?`
      : `${name} has ${Math.floor(random() * 9) + 1} ${thing}. How many ${thing} does ${name} have?`;
    const weakRight = hard ? random() < 0.2 : random() < 0.95;
    const strongRight = hard ? random() < 0.9 : random() < 0.97;
    rows.push({ prompt, scores: { strong: strongRight ? 1 : 0, weak: weakRight ? 1 : 0 } });
  }
  return rows;
}
