/**
 * The router beside alternatives that were tried and not kept, on the same splits as evaluate.ts:
 * mean APGR over seeded gsm8k halves (train on one half, test on the other), and across data sets.
 * Usage: npx tsx bench/router/alternatives.ts [VARIANT,VARIANT...] [SEEDS]   (FRAC=0.5 sets the train share)
 */
import { pairRows, readRoutingData, shuffled, type PairedRow } from "../../src/routing/auto/dataset.js";
import { defaultFeatureSpec, denseFeatureNames, featurize, sparseWidth, type Features } from "../../src/routing/auto/features.js";
import { defaultFitOptions, fitLogistic, predict } from "../../src/routing/auto/logistic.js";
import { routingMetrics } from "../../src/routing/auto/metrics.js";

const STRONG = "gpt-4-1106-preview";
const WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1";
const gsm = pairRows(readRoutingData("../shared/data/routing/gsm8k.jsonl"), STRONG, WEAK);
const mt = pairRows(readRoutingData("../shared/data/routing/mt_bench.jsonl"), STRONG, WEAK);
const spec = defaultFeatureSpec;
const width = sparseWidth(spec);
const cache = new Map<string, Features>();
const features = (prompt: string) => {
  let found = cache.get(prompt);
  if (!found) cache.set(prompt, (found = featurize(prompt, spec)));
  return found;
};
const apgr = (rows: PairedRow[], scores: number[]) => routingMetrics(rows.map((row, index) => ({ score: scores[index]!, strong: row.strong, weak: row.weak }))).apgr;
type Kind = "sw" | "wf" | "gain" | "s" | "w";
const label = (row: PairedRow, kind: Kind) =>
  kind === "sw" ? Math.max(0, row.strong - row.weak) : kind === "wf" ? 1 - row.weak : kind === "gain" ? (row.strong - row.weak + 1) / 2 : kind === "s" ? row.strong : row.weak;
const noSparse = { indices: new Uint32Array(0), values: new Float32Array(0) };

type Variant = (train: PairedRow[]) => (prompt: string) => number;

/** Logistic regression as train.ts fits it, with the prior strengths and label as parameters. */
function logistic(options: { sparse: number; dense: number; prior: number; label: Kind; denseOnly?: boolean; group?: "word" | "char" }): Variant {
  const half = width / 2;
  const pick = (item: Features): Features => {
    const keep = Array.from(item.sparse.indices, (index, position) => [index, position] as const).filter(([index]) => (options.group === "word" ? index < half : index >= half));
    return { dense: item.dense, sparse: { indices: Uint32Array.from(keep.map(([index]) => index)), values: Float32Array.from(keep.map(([, position]) => item.sparse.values[position]!)) } };
  };
  const view = (item: Features): Features => (options.denseOnly ? { sparse: noSparse, dense: item.dense } : options.group ? pick(item) : item);
  return (train) => {
    const prior = new Float64Array(denseFeatureNames.length);
    prior[denseFeatureNames.indexOf("log_chars")] = options.prior;
    const model = fitLogistic(
      train.map((row) => view(features(row.prompt))),
      train.map((row) => label(row, options.label)),
      width,
      { ...defaultFitOptions, lambdaSparse: options.sparse / train.length, lambdaDense: options.dense / train.length, densePrior: prior },
    );
    return (prompt) => predict(model, view(features(prompt)));
  };
}

/** Similarity-weighted labels of the k nearest training prompts (cosine over the hashed vectors). */
function knn(k: number): Variant {
  return (train) => {
    const maps = train.map((row) => {
      const { indices, values } = features(row.prompt).sparse;
      return new Map(Array.from(indices, (index, position) => [index, values[position]!] as const));
    });
    const labels = train.map((row) => label(row, "sw"));
    const prior = labels.reduce((sum, value) => sum + value, 0) / labels.length;
    return (prompt) => {
      const { indices, values } = features(prompt).sparse;
      const nearest = maps
        .map((map, index) => {
          let dot = 0;
          for (let position = 0; position < indices.length; position++) dot += (map.get(indices[position]!) ?? 0) * values[position]!;
          return [dot, labels[index]!] as const;
        })
        .sort((left, right) => right[0] - left[0])
        .slice(0, k);
      let sum = prior * 2;
      let weight = 2;
      for (const [similarity, value] of nearest) {
        const w = Math.max(similarity, 0) ** 2;
        sum += w * value;
        weight += w;
      }
      return sum / weight;
    };
  };
}

/** Weighted mean of each scorer's rank among the training prompts' scores. */
function rankMix(parts: Array<[Variant, number]>): Variant {
  return (train) => {
    const scorers = parts.map(([variant, weight]) => ({ score: variant(train), weight }));
    const references = scorers.map(({ score }) => train.map((row) => score(row.prompt)).sort((left, right) => left - right));
    const rank = (sorted: number[], value: number) => {
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (sorted[middle]! < value) low = middle + 1;
        else high = middle;
      }
      return low / sorted.length;
    };
    return (prompt) => scorers.reduce((sum, { score, weight }, index) => sum + weight * rank(references[index]!, score(prompt)), 0);
  };
}

/** Two models, one per side's quality, each with its own length prior; the score combines them. */
function twoModel(options: { sparse: number; dense: number; strongPrior: number; weakPrior: number; group?: "word" | "char" }, combine: (strong: number, weak: number) => number): Variant {
  return (train) => {
    const strong = logistic({ sparse: options.sparse, dense: options.dense, prior: options.strongPrior, label: "s", group: options.group })(train);
    const weak = logistic({ sparse: options.sparse, dense: options.dense, prior: options.weakPrior, label: "w", group: options.group })(train);
    return (prompt) => combine(strong(prompt), weak(prompt));
  };
}

const difference = (strong: number, weak: number) => strong - weak;
const shipped = twoModel({ sparse: 0.65, dense: 65, strongPrior: 0, weakPrior: -1 }, difference);
const strongWins = logistic({ sparse: 0.65, dense: 65, prior: 1, label: "sw" });
const variants: Record<string, Variant> = {
  length: () => (prompt) => prompt.length,
  router: shipped,
  router_sparse_x3: twoModel({ sparse: 2, dense: 65, strongPrior: 0, weakPrior: -1 }, difference),
  router_sparse_x10: twoModel({ sparse: 6.5, dense: 65, strongPrior: 0, weakPrior: -1 }, difference),
  router_sparse_div3: twoModel({ sparse: 0.2, dense: 65, strongPrior: 0, weakPrior: -1 }, difference),
  router_dense_loose: twoModel({ sparse: 0.65, dense: 6.5, strongPrior: 0, weakPrior: -1 }, difference),
  router_words_only: twoModel({ sparse: 0.65, dense: 65, strongPrior: 0, weakPrior: -1, group: "word" }, difference),
  router_chars_only: twoModel({ sparse: 0.65, dense: 65, strongPrior: 0, weakPrior: -1, group: "char" }, difference),
  product: twoModel({ sparse: 0.65, dense: 65, strongPrior: 0, weakPrior: -1 }, (strong, weak) => strong * (1 - weak)),
  strong_wins: strongWins,
  gain_one_model: logistic({ sparse: 0.65, dense: 65, prior: 1, label: "gain" }),
  sparse_prior_x10: logistic({ sparse: 6.5, dense: 65, prior: 1, label: "sw" }),
  dense_prior_loose: logistic({ sparse: 0.65, dense: 6.5, prior: 1, label: "sw" }),
  dense_only: logistic({ sparse: 0, dense: 6.5, prior: 0, label: "sw", denseOnly: true }),
  weak_shortfall: logistic({ sparse: 0.65, dense: 65, prior: 1, label: "wf" }),
  knn50: knn(50),
  router_knn_mix: rankMix([[shipped, 1], [knn(30), 1]]),
};

const picked = (process.argv[2] || Object.keys(variants).join(",")).split(",");
const seeds = Number(process.argv[3] ?? 6);
const fraction = Number(process.env.FRAC ?? 0.5);
for (const name of picked) {
  const variant = variants[name];
  if (!variant) throw new Error(`unknown variant ${name}; known: ${Object.keys(variants).join(", ")}`);
  const halves: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const order = shuffled(gsm, seed * 7919);
    const cut = Math.floor(order.length * fraction);
    const score = variant(order.slice(0, cut));
    const test = order.slice(cut);
    halves.push(apgr(test, test.map((row) => score(row.prompt))));
  }
  const mean = halves.reduce((sum, value) => sum + value, 0) / halves.length;
  const toMt = variant(gsm);
  const toGsm = variant(mt);
  console.log(
    `${name.padEnd(18)} gsm8k held-out mean APGR ${mean.toFixed(3)} (${halves.map((value) => value.toFixed(3)).join(" ")})` +
      `  gsm8k->mt_bench ${apgr(mt, mt.map((row) => toMt(row.prompt))).toFixed(3)}  mt_bench->gsm8k ${apgr(gsm, gsm.map((row) => toGsm(row.prompt))).toFixed(3)}`,
  );
}
