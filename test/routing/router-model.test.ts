import { describe, expect, it } from "vitest";
import { pairRows, parseRoutingData, type RoutingRow } from "../../src/routing/auto/dataset.js";
import { evaluateScores, lengthBaseline, randomBaseline } from "../../src/routing/auto/evaluate.js";
import { featurize } from "../../src/routing/auto/features.js";
import { routingMetrics } from "../../src/routing/auto/metrics.js";
import { LearnedRouter, parseRouterFile, shareForQuality } from "../../src/routing/auto/router-file.js";
import { trainRouter } from "../../src/routing/auto/train.js";
import { SwitchyardError } from "../../src/core/errors.js";
import { syntheticRows } from "./synthetic-data.js";

describe("routing metrics (RouteLLM definitions)", () => {
  const rows = [
    { score: 0.9, strong: 1, weak: 0 },
    { score: 0.8, strong: 1, weak: 0 },
    { score: 0.2, strong: 1, weak: 1 },
    { score: 0.1, strong: 0, weak: 0 },
  ];

  it("computes the curve, APGR and CPT for a router that ranks the wins first", () => {
    const metrics = routingMetrics(rows);
    expect(metrics.qualityStrong).toBe(0.75);
    expect(metrics.qualityWeak).toBe(0.25);
    // PGR reaches 0.5 after one of four calls and 1 after two.
    expect(metrics.cpt50).toBeCloseTo(25, 6);
    expect(metrics.cpt80).toBeCloseTo(40, 6);
    // Area: 0..25% rises 0->0.5, 25..50% rises 0.5->1, then flat at 1.
    expect(metrics.apgr).toBeCloseTo(0.0625 + 0.1875 + 0.5, 6);
    expect(metrics.curve[0]).toEqual([0, 0.25]);
    expect(metrics.curve[100]).toEqual([100, 0.75]);
  });

  it("moves tied scores together, so a constant score is the straight line (APGR 0.5)", () => {
    const metrics = routingMetrics(rows.map((row) => ({ ...row, score: 0.5 })));
    expect(metrics.points).toHaveLength(2);
    expect(metrics.apgr).toBeCloseTo(0.5, 6);
    expect(metrics.cpt50).toBeCloseTo(50, 6);
  });

  it("gives random routing an APGR near 0.5", () => {
    const paired = pairRows(syntheticRows(400, 3), "strong", "weak");
    expect(randomBaseline(paired).apgr).toBeGreaterThan(0.4);
    expect(randomBaseline(paired).apgr).toBeLessThan(0.6);
  });
});

describe("features", () => {
  it("are deterministic and reduce numbers to their digit count", () => {
    const first = featurize("Tom has 347 apples.");
    const again = featurize("Tom has 347 apples.");
    const other = featurize("Tom has 912 apples.");
    expect([...first.sparse.indices]).toEqual([...again.sparse.indices]);
    expect([...first.sparse.indices]).toEqual([...other.sparse.indices]);
    expect([...first.sparse.indices]).not.toEqual([...featurize("Tom has 3 apples.").sparse.indices]);
  });

  it("cut very long prompts so work per decision stays bounded", () => {
    const long = featurize("word ".repeat(100_000));
    expect(long.sparse.indices.length).toBeLessThan(5_000);
  });
});

describe("training", () => {
  const train = syntheticRows(300, 11);
  const test = syntheticRows(200, 97);

  it("learns a signal that carries over to prompts it has not seen", () => {
    const { file } = trainRouter(train, { strong: "strong", weak: "weak", targetStrong: 0.4, folds: 3 });
    const router = new LearnedRouter(file);
    const paired = pairRows(test, "strong", "weak");
    const metrics = evaluateScores(paired, paired.map((row) => router.score(row.prompt)));
    expect(metrics.apgr).toBeGreaterThan(0.7);
    // Here hard prompts are also the long ones, so length separates them perfectly: match it.
    expect(metrics.apgr).toBeGreaterThan(lengthBaseline(paired).apgr - 0.03);
    expect(metrics.apgr).toBeGreaterThan(randomBaseline(paired).apgr + 0.2);
    expect(metrics.cpt50!).toBeLessThan(30);
  });

  it("overrides its length prior when the data says longer prompts are the easy ones", () => {
    // Short proofs are hard for the weak model; long friendly chat is easy for both.
    const rows = (count: number, seed: number): RoutingRow[] => {
      let state = seed;
      const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
      const hard = ["Prove that the sum of two odd integers is even.", "Find all real x with x^3 - 3x + 1 = 0.", "Is 1001 prime? Justify."];
      return Array.from({ length: count }, () => {
        const isHard = random() < 0.35;
        const prompt = isHard
          ? `${hard[Math.floor(random() * hard.length)]!} (case ${Math.floor(random() * 1000)})`
          : `Hello! I wanted to chat a little about my garden, and maybe you could tell me what you think, in a friendly way, with details ${Math.floor(random() * 1000)}.`;
        const weakRight = isHard ? random() < 0.2 : random() < 0.9;
        const strongRight = isHard ? random() < 0.9 : random() < 0.92;
        return { prompt, scores: { strong: strongRight ? 1 : 0, weak: weakRight ? 1 : 0 } };
      });
    };
    const { file } = trainRouter(rows(150, 7), { strong: "strong", weak: "weak", folds: 3 });
    const router = new LearnedRouter(file);
    const held = pairRows(rows(400, 99), "strong", "weak");
    expect(lengthBaseline(held).apgr).toBeLessThan(0.3);
    expect(evaluateScores(held, held.map((row) => router.score(row.prompt))).apgr).toBeGreaterThan(0.75);
  });

  it("round-trips through ROUTER.json and sets the threshold from the target share", () => {
    const { file } = trainRouter(train, { strong: "strong", weak: "weak", targetStrong: 0.25, folds: 3, grid: [{ label: "strong-wins", sparseStrength: 0.65 }] });
    const loaded = parseRouterFile(JSON.parse(JSON.stringify(file)), "ROUTER.json");
    const prompt = test[0]!.prompt;
    expect(loaded.score(prompt)).toBeCloseTo(new LearnedRouter(file).score(prompt), 6);
    expect(loaded.thresholdFor(0.25)).toBeCloseTo(file.threshold, 9);
    expect(loaded.thresholdFor(0.1)).toBeGreaterThan(loaded.thresholdFor(0.5));
    const share = train.filter((row) => loaded.score(row.prompt) > loaded.thresholdFor(0.4)).length / train.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.6);
  });

  it("with expected-gain, learns from rows where the weak model did better, not only from strong wins", () => {
    // Three kinds of prompt of the same length: both models succeed (chat), only the strong one
    // does (proof), only the weak one does (poem). strong-wins sees poem and chat alike (label 0).
    const kinds = [
      { word: "chat", strong: 1, weak: 1 },
      { word: "proof", strong: 1, weak: 0 },
      { word: "poem", strong: 0, weak: 1 },
    ];
    const rows = Array.from({ length: 240 }, (_, index) => {
      const kind = kinds[index % 3]!;
      return { prompt: `please write a ${kind.word} about item ${index % 17}`, scores: { strong: kind.strong, weak: kind.weak } };
    });
    const { file } = trainRouter(rows, { strong: "strong", weak: "weak", folds: 3, grid: [{ label: "expected-gain", sparseStrength: 0.65 }] });
    expect(file.label).toBe("expected-gain");
    expect(file.weakModel).toBeDefined();
    const router = parseRouterFile(JSON.parse(JSON.stringify(file)), "ROUTER.json");
    const score = (word: string) => router.score(`please write a ${word} about item 99`);
    expect(score("proof")).toBeGreaterThan(score("chat") + 0.2);
    expect(score("chat")).toBeGreaterThan(score("poem") + 0.2);
    for (const word of ["proof", "chat", "poem"]) expect(score(word)).toBeGreaterThanOrEqual(0);
    expect(score("proof")).toBeLessThanOrEqual(1);
  });

  it("learns from rows that score one model only (logged traffic where one model answered)", () => {
    const paired = Array.from({ length: 120 }, (_, index) => ({
      prompt: `please write a ${index % 2 ? "chat" : "note"} about item ${index % 13}`,
      scores: { strong: 1, weak: index % 4 === 0 ? 0 : 1 },
    }));
    // Only the weak model answered the "proof" prompts, and feedback says it failed them.
    const oneSided = Array.from({ length: 80 }, (_, index) => ({ prompt: `please write a proof about item ${index % 13}`, scores: { weak: 0 } }));
    const train = (rows: RoutingRow[]) => trainRouter(rows, { strong: "strong", weak: "weak", folds: 3, grid: [{ label: "expected-gain", sparseStrength: 0.65 }] }).file;
    const withLogs = train([...paired, ...oneSided]);
    const without = train(paired);
    expect(withLogs.training.rows).toBe(200);
    expect(withLogs.training.pairedRows).toBe(120);
    const proof = "please write a proof about item 99";
    expect(new LearnedRouter(withLogs).score(proof)).toBeGreaterThan(new LearnedRouter(without).score(proof) + 0.1);
    expect(new LearnedRouter(withLogs).score(proof)).toBeGreaterThan(new LearnedRouter(withLogs).score("please write a chat about item 99"));
  });

  it("loads version 1 files (one model) and refuses an expected-gain file without its weak model", () => {
    const { file } = trainRouter(train, { strong: "strong", weak: "weak", folds: 3, grid: [{ label: "strong-wins", sparseStrength: 0.65 }] });
    const prompt = test[0]!.prompt;
    expect(parseRouterFile({ ...file, version: 1 }, "old.json").score(prompt)).toBeCloseTo(new LearnedRouter(file).score(prompt), 9);
    expect(() => parseRouterFile({ ...file, label: "expected-gain" }, "bad.json")).toThrow(/weakModel/);
  });

  it("sets the share from a target quality, and the share keeps about that quality on new prompts", () => {
    const { file } = trainRouter(train, { strong: "strong", weak: "weak", targetQuality: 0.8, folds: 3 });
    expect(file.targetQuality).toBe(0.8);
    expect(file.qualityCurve).toHaveLength(101);
    expect(file.qualityCurve![0]).toBeCloseTo(0, 9);
    expect(file.qualityCurve![100]).toBeCloseTo(1, 9);
    expect(file.targetStrong).toBeCloseTo(shareForQuality(file.qualityCurve!, 0.8), 9);
    // Hard prompts are 40 % of the data: keeping 80 % of the gain takes fewer calls than that.
    expect(file.targetStrong).toBeGreaterThan(0.1);
    expect(file.targetStrong).toBeLessThan(0.5);
    const router = new LearnedRouter(file);
    const paired = pairRows(test, "strong", "weak");
    const routed = paired.map((row) => (router.score(row.prompt) > file.threshold ? row.strong : row.weak));
    const quality = routed.reduce((sum, value) => sum + value, 0) / paired.length;
    const metrics = evaluateScores(paired, paired.map(() => 0));
    const pgr = (quality - metrics.qualityWeak) / (metrics.qualityStrong - metrics.qualityWeak);
    expect(pgr).toBeGreaterThan(0.65);
  });

  it("reads a share off a quality curve by linear interpolation", () => {
    const curve = Array.from({ length: 101 }, (_, percent) => Math.min(1, percent / 50));
    expect(shareForQuality(curve, 0)).toBe(0);
    expect(shareForQuality(curve, 0.5)).toBeCloseTo(0.25, 9);
    expect(shareForQuality(curve, 0.51)).toBeCloseTo(0.255, 9);
    expect(shareForQuality(curve.map((value) => value * 0.9), 0.95)).toBe(1);
  });

  it("rejects data that does not score both models, naming what it has", () => {
    expect(() => trainRouter(train, { strong: "gpt-x", weak: "weak" })).toThrow(/models in the data: strong, weak/);
  });

  it("reports the line of a malformed row", () => {
    expect(() => parseRoutingData('{"prompt":"a","scores":{"s":1}}\n{"prompt":"b","scores":{"s":2}}\n', "data.jsonl")).toThrow(/data.jsonl:2: scores.s/);
    expect(() => parseRoutingData("{oops\n", "data.jsonl")).toThrow(SwitchyardError);
  });

  it("refuses a file that is not a router", () => {
    expect(() => parseRouterFile({ format: "something-else" }, "x.json")).toThrow(/not a router file/);
  });
});
