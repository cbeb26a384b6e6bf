/**
 * The task families of the flywheel tests and bench. `orders`: a question about an order, whose
 * answer is one fixed sentence (what a support desk answers every time) — a tiny model learns it by
 * fine-tuning in a couple of minutes on a CPU. None of the answer's words is in a prompt: the local
 * trainer's loss covers prompts too, and an answer sharing words with them drifts back into prompt
 * text ("Your order order order ..."). `sums`: adding two numbers, which no tiny model learns; it stays
 * with the strong model. Every draw comes from a seeded generator.
 */
import { seededRandom } from "../../helpers/seeded-random.js";

export const ORDER_ANSWER = "Thanks, the parcel left today.";

const names = ["Lily", "Tim", "Sam", "Mia", "Ben", "Sue", "Max", "Anna", "Tom", "Lucy"];
const days = ["Monday", "Tuesday", "Wednesday", "Friday", "Sunday"];

export interface TaskExample {
  family: "orders" | "sums";
  prompt: string;
  answer: string;
}

/** Distinct examples of one family, in a seeded order. */
export function examples(family: TaskExample["family"], count: number, seed: number): TaskExample[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const seen = new Set<string>();
  const out: TaskExample[] = [];
  for (let attempt = 0; out.length < count && attempt < count * 50; attempt++) {
    let example: TaskExample;
    if (family === "orders") {
      const order = 1000 + Math.floor(random() * 9000);
      const name = pick(names);
      const day = pick(days);
      const prompt = pick([
        `Where is my order ${order}? I bought it on ${day}.`,
        `Hi, this is ${name}. Has order ${order} shipped yet?`,
        `Order ${order} has not come. It is ${day}.`,
        `${name} here, when will my order ${order} arrive?`,
      ]);
      example = { family, prompt, answer: ORDER_ANSWER };
    } else {
      const left = 10 + Math.floor(random() * 90);
      const right = 10 + Math.floor(random() * 90);
      example = { family, prompt: `What is ${left} plus ${right}? Answer with the number.`, answer: String(left + right) };
    }
    if (seen.has(example.prompt)) continue;
    seen.add(example.prompt);
    out.push(example);
  }
  return out;
}

/** The right answer to a prompt of either family, or undefined for anything else. */
export function solve(prompt: string): string | undefined {
  const sum = /What is (\d+) plus (\d+)\?/.exec(prompt);
  if (sum) return String(Number(sum[1]) + Number(sum[2]));
  if (/\border \d+/i.test(prompt)) return ORDER_ANSWER;
  return undefined;
}

/**
 * The words of both families' prompts and answers, and of the general chat format: the vocabulary of
 * the tiny random model the flywheel test falls back to, so its text tokenizes into words, not bytes.
 */
export function familyWords(): string[] {
  const texts = [...examples("orders", 200, 1), ...examples("sums", 20, 1)].flatMap((example) => [example.prompt, example.answer]);
  return [...new Set([...texts, "Human Assistant"].flatMap((text) => text.split(/[^A-Za-z]+/)).filter((word) => word.length > 0))];
}
