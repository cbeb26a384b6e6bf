/**
 * The prompts an LLM judge gets and how its answers are read. Judges answer free text, so parsing
 * is forgiving: a `Score: 7/10` line, JSON `{"score": 0.7}`, `[[A]]`, `Verdict: tie`, or a lone
 * number or letter; what cannot be read is a judge error for that row, never a guess.
 */
import type { Message } from "../../core/types.js";

const DEFAULT_RUBRIC = "Judge correctness first, then completeness and clarity. A wrong answer scores low however well written.";

function text(role: "system" | "user", content: string): Message {
  return role === "system" ? { role, content: [{ type: "text", text: content }] } : { role, content: [{ type: "text", text: content }] };
}

export function absolutePrompt(question: string, answer: string, reference: string | undefined, rubric: string | undefined): Message[] {
  const parts = [
    `Rubric: ${rubric ?? DEFAULT_RUBRIC}`,
    `[Question]\n${question}`,
    ...(reference === undefined ? [] : [`[Reference answer]\n${reference}`]),
    `[Answer to grade]\n${answer}`,
    "Grade the answer against the rubric on a scale of 0 to 10. End with one line exactly like: Score: <number from 0 to 10>",
  ];
  return [text("system", "You are a strict, impartial grader of answers."), text("user", parts.join("\n\n"))];
}

export function pairwisePrompt(question: string, first: string, second: string, reference: string | undefined, rubric: string | undefined): Message[] {
  const parts = [
    `Rubric: ${rubric ?? DEFAULT_RUBRIC}`,
    `[Question]\n${question}`,
    ...(reference === undefined ? [] : [`[Reference answer]\n${reference}`]),
    `[Answer A]\n${first}`,
    `[Answer B]\n${second}`,
    "Which answer is better under the rubric? Ignore the order they are shown in and their length. End with exactly one of: [[A]], [[B]] or [[TIE]]",
  ];
  return [text("system", "You are an impartial judge comparing two answers."), text("user", parts.join("\n\n"))];
}

/** A 0..1 score from a judge's answer; undefined when it holds none. */
export function parseAbsoluteScore(answer: string): number | undefined {
  const scale = (value: number, outOf: number | undefined) => {
    const denominator = outOf ?? 10;
    if (!Number.isFinite(value) || denominator <= 0) return undefined;
    return Math.min(1, Math.max(0, value / denominator));
  };
  const labelled = [...answer.matchAll(/score\s*(?:[:=]|is)?\s*\**\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?)|out of\s*(\d+(?:\.\d+)?))?/gi)].at(-1);
  if (labelled) return scale(Number(labelled[1]), labelled[2] ?? labelled[3] ? Number(labelled[2] ?? labelled[3]) : undefined);
  const json = /\{[^{}]*"score"\s*:\s*(-?\d+(?:\.\d+)?)[^{}]*\}/i.exec(answer);
  // A JSON score at or below 1 is read as already on 0..1, the way such answers are usually written.
  if (json) return Number(json[1]) <= 1 ? scale(Number(json[1]), 1) : scale(Number(json[1]), 10);
  const fraction = [...answer.matchAll(/(-?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)/g)].at(-1);
  if (fraction) return scale(Number(fraction[1]), Number(fraction[2]));
  const lone = /^\s*(-?\d+(?:\.\d+)?)\s*\.?\s*$/.exec(answer);
  if (lone) return scale(Number(lone[1]), 10);
  return undefined;
}

export type PairwiseVerdict = "A" | "B" | "TIE";

/** The judge's choice; undefined when it names none or both. */
export function parsePairwiseVerdict(answer: string): PairwiseVerdict | undefined {
  const bracketed = [...answer.matchAll(/\[\[\s*(A|B|TIE)\s*\]\]/gi)].at(-1);
  if (bracketed) return bracketed[1]!.toUpperCase() as PairwiseVerdict;
  const labelled = [...answer.matchAll(/(?:verdict|winner|answer|better)\s*(?:is|:)?\s*\**\s*(?:answer\s+)?\b(A|B|tie)\b/gi)].at(-1);
  if (labelled) return labelled[1]!.toUpperCase() as PairwiseVerdict;
  const lone = /^\s*\**\s*(A|B|tie)\s*\**\s*\.?\s*$/i.exec(answer);
  if (lone) return lone[1]!.toUpperCase() as PairwiseVerdict;
  if (/\b(tie|equally good|both equal)\b/i.test(answer)) return "TIE";
  return undefined;
}
