/**
 * Can the local trainer teach the small shared model a task family in seconds on a CPU? Fine-tunes
 * ../shared/models/stories260K.gguf on one family's chat examples, rendered the way the local trainer
 * renders them (chat-training-tokens.ts: the model's serving chat format; this base model has no
 * template, so node-llama-cpp's general `### Human` / `### Assistant` format), and scores held-out
 * prompts before and after through the local provider's chat path (temperature 0): exact answer, and
 * first line only. Every draw is seeded.
 *
 *   npx tsx bench/flywheel/learnability.ts --task=copy --examples=60 --epochs=6 --lr=1
 *
 * Tasks: `copy` (answer the name in the sentence), `thing` (answer the object in the sentence),
 * `orders` (one fixed sentence for every order question).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chatTrainingSequences } from "../../src/customization/trainer/chat-training-tokens.js";
import { trainLlama } from "../../src/customization/trainer/llama-trainer.js";
import { localChat } from "../../src/providers/local/chat-wrapper.js";
import { getEngine } from "../../src/providers/local/engine.js";
import { seededRandom } from "../../test/helpers/seeded-random.js";
import { sharedModel } from "../../test/helpers/shared-models.js";
import { examples } from "../../test/e2e/flywheel/task-family.js";

const { values } = parseArgs({
  options: {
    task: { type: "string", default: "copy" },
    examples: { type: "string", default: "60" },
    epochs: { type: "string", default: "6" },
    lr: { type: "string", default: "1" },
    seed: { type: "string", default: "11" },
    context: { type: "string", default: "256" },
  },
});
const random = seededRandom(Number(values.seed));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const names = ["Lily", "Tim", "Sam", "Mia", "Ben", "Sue", "Max", "Anna"];
const places = ["park", "forest", "garden", "river", "farm", "shop", "house", "hill"];
const things = ["ball", "cat", "kite", "cake", "dog", "boat", "hat", "toy"];
const adjectives = ["big", "red", "little", "happy", "shiny", "soft"];
let orderIndex = 0;
const orders = examples("orders", 2000, Number(values.seed));
const tasks: Record<string, () => [string, string]> = {
  copy: () => {
    const name = pick(names);
    const thing = pick(things);
    return [`Who is it? ${pick([`${name} went to the ${pick(places)}.`, `One day, ${name} saw a ${thing}.`, `The ${thing} was in the ${pick(places)} with ${name}.`, `A ${pick(adjectives)} ${thing} made ${name} happy.`])}`, name];
  },
  thing: () => {
    const thing = pick(things);
    return [`What thing? ${pick([`${pick(names)} has a ${pick(adjectives)} ${thing}.`, `${pick(names)} saw a ${thing} in the ${pick(places)}.`, `The ${thing} is in the ${pick(places)}.`])}`, thing];
  },
  orders: () => {
    const example = orders[orderIndex++ % orders.length]!;
    return [example.prompt, example.answer];
  },
};
const generate = tasks[values.task!];
const stories = sharedModel("stories260K.gguf");
if (!generate || !stories) throw new Error(`unknown task '${values.task}' (copy, thing, orders) or no ../shared/models/stories260K.gguf`);

const seen = new Set<string>();
const train: Array<[string, string]> = [];
const heldOut: Array<[string, string]> = [];
for (let attempt = 0; train.length < Number(values.examples) && attempt < 100_000; attempt++) {
  const example = generate();
  if (seen.has(example[0])) continue;
  seen.add(example[0]);
  train.push(example);
}
for (let attempt = 0; heldOut.length < 20 && attempt < 10_000; attempt++) {
  const example = generate();
  if (seen.has(example[0])) continue;
  seen.add(example[0]);
  heldOut.push(example);
}

const folder = mkdtempSync(join(tmpdir(), "swy-learnability-"));
const conversation = ([prompt, answer]: [string, string]) => ({ messages: [{ role: "user", content: prompt }, { role: "assistant", content: answer }] });
try {
  const base = stories;
  const tuned = join(folder, "tuned.gguf");
  const started = performance.now();
  const result = trainLlama({
    modelPath: base,
    outputPath: tuned,
    trainingTexts: [],
    trainingSequences: await chatTrainingSequences(base, train.map(conversation)),
    validationTexts: [],
    epochs: Number(values.epochs),
    learningRate: 5e-4 * Number(values.lr),
    contextSize: Number(values.context),
    threads: 1,
  });
  console.log(`task ${values.task}: ${train.length} examples, ${values.epochs} epochs, lr x${values.lr}: ${((performance.now() - started) / 1000).toFixed(1)} s, ${result.steps} steps, train loss ${result.firstTrainLoss.toFixed(3)} -> ${result.finalTrainLoss.toFixed(3)}`);
  const llama = await getEngine();
  for (const [label, path] of [["base", base], ["fine-tuned", tuned]] as const) {
    const model = await llama.loadModel({ modelPath: path });
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    let exact = 0;
    let firstLine = 0;
    const shown: string[] = [];
    for (const [prompt, answer] of heldOut) {
      const sequence = context.getSequence();
      const chat = await localChat(sequence);
      const { response: text } = await chat.generateResponse([{ type: "user", text: prompt }, { type: "model", response: [] }], { maxTokens: 16, temperature: 0 });
      if (text.trim() === answer) exact++;
      if (text.split("\n")[0]!.trim() === answer) firstLine++;
      if (shown.length < 3) shown.push(`${JSON.stringify(prompt)} -> ${JSON.stringify(text)}`);
      chat.dispose();
      await sequence.dispose();
    }
    console.log(`${label}: exact ${exact}/${heldOut.length}, first line ${firstLine}/${heldOut.length}; e.g. ${shown.join("; ")}`);
    await context.dispose();
    await model.dispose();
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
