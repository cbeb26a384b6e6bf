import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../../src/core/errors.js";
import { exactMatch, jsonSchemaValid, regexMatch } from "../../src/evaluations/scorers/deterministic.js";
import { compileScorers } from "../../src/evaluations/scorers/compile.js";
import { parseAbsoluteScore, parsePairwiseVerdict } from "../../src/evaluations/scorers/judge-prompts.js";

describe("deterministic scorers", () => {
  it("exact_match normalises whitespace, and case only when asked", () => {
    const strict = exactMatch({ trim: true, ignore_case: false });
    expect(strict("  Paris \n", "Paris")).toBe(1);
    expect(strict("New   York", "New York")).toBe(1);
    expect(strict("paris", "Paris")).toBe(0);
    expect(strict("Paris", undefined)).toBeNull();
    expect(exactMatch({ trim: true, ignore_case: true })("PARIS", "paris")).toBe(1);
    expect(exactMatch({ trim: false, ignore_case: false })(" Paris", "Paris")).toBe(0);
  });

  it("regex matches anywhere unless anchored, with flags", () => {
    expect(regexMatch({ pattern: "\\b42\\b" }, "p")("the answer is 42.", undefined)).toBe(1);
    expect(regexMatch({ pattern: "^42$" }, "p")("the answer is 42", undefined)).toBe(0);
    expect(regexMatch({ pattern: "^yes", flags: "i" }, "p")("YES, it is", undefined)).toBe(1);
    expect(() => regexMatch({ pattern: "(unclosed" }, "scorers[0].pattern")).toThrow(SwitchyardError);
  });

  it("json_schema checks validity against the schema, fenced blocks included", () => {
    const score = jsonSchemaValid(
      { schema: { type: "object", properties: { answer: { type: "integer", minimum: 0 } }, required: ["answer"], additionalProperties: false } },
      "p",
    );
    expect(score('{"answer": 3}', undefined)).toBe(1);
    expect(score('```json\n{"answer": 3}\n```', undefined)).toBe(1);
    expect(score('{"answer": -1}', undefined)).toBe(0);
    expect(score('{"answer": 3, "extra": true}', undefined)).toBe(0);
    expect(score("answer: 3", undefined)).toBe(0);
    expect(() => jsonSchemaValid({ schema: { type: "no-such-type" } }, "scorers[0].schema")).toThrow(/not a JSON Schema/);
  });

  it("names scorers uniquely and refuses a name used twice", () => {
    const compiled = compileScorers([
      { type: "regex", pattern: "a" },
      { type: "regex", pattern: "b" },
      { type: "llm_judge", model: "m", mode: "pairwise" },
    ]);
    expect(compiled.map((scorer) => scorer.name)).toEqual(["regex", "regex_2", "llm_judge_pairwise"]);
    expect(() =>
      compileScorers([
        { type: "regex", name: "same", pattern: "a" },
        { type: "json_schema", name: "same", schema: {} },
      ]),
    ).toThrow(/names two scorers/);
  });
});

describe("reading judges' answers", () => {
  it("finds an absolute score however it is written", () => {
    expect(parseAbsoluteScore("Good answer.\nScore: 8")).toBeCloseTo(0.8);
    expect(parseAbsoluteScore("**Score:** 7/10")).toBeCloseTo(0.7);
    expect(parseAbsoluteScore("score = 3 out of 5")).toBeCloseTo(0.6);
    expect(parseAbsoluteScore('{"score": 0.25, "reason": "partly"}')).toBeCloseTo(0.25);
    expect(parseAbsoluteScore('{"score": 9}')).toBeCloseTo(0.9);
    expect(parseAbsoluteScore("I would give it 6/10.")).toBeCloseTo(0.6);
    expect(parseAbsoluteScore("10")).toBe(1);
    expect(parseAbsoluteScore("Score: 14")).toBe(1);
    expect(parseAbsoluteScore("First Score: 2. On reflection, Score: 9")).toBeCloseTo(0.9);
    expect(parseAbsoluteScore("I cannot grade this.")).toBeUndefined();
  });

  it("finds a pairwise verdict, ties included", () => {
    expect(parsePairwiseVerdict("Both are fine but A is clearer. [[A]]")).toBe("A");
    expect(parsePairwiseVerdict("[[b]]")).toBe("B");
    expect(parsePairwiseVerdict("[[TIE]]")).toBe("TIE");
    expect(parsePairwiseVerdict("Verdict: B")).toBe("B");
    expect(parsePairwiseVerdict("The better answer is A.")).toBe("A");
    expect(parsePairwiseVerdict("tie")).toBe("TIE");
    expect(parsePairwiseVerdict("They are equally good.")).toBe("TIE");
    expect(parsePairwiseVerdict("I like neither.")).toBeUndefined();
  });
});
