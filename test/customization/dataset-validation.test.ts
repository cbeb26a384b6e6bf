import { describe, expect, it } from "vitest";
import { validateDataset } from "../../src/customization/files/dataset-validation.js";
import { chatJsonl } from "./datasets.js";

const validate = (content: string, maxTokensPerExample = 1000) => validateDataset(content, { maxTokensPerExample });

describe("dataset validation", () => {
  it("accepts chat JSONL and reports statistics", () => {
    const report = validate(chatJsonl([["Hi", "Hello there!"], ["Who is Zorblax?", "A friendly dragon who lives in the forest."]]));
    expect(report.valid).toBe(true);
    expect(report.format).toBe("chat");
    expect(report.statistics.examples).toBe(2);
    expect(report.statistics.totalTokens).toBeGreaterThan(0);
    expect(report.statistics.maxTokensPerExample).toBeGreaterThanOrEqual(report.statistics.minTokensPerExample);
  });

  it("accepts prompt/completion JSONL", () => {
    const report = validate('{"prompt":"Say hi","completion":" hi"}\n{"prompt":"","completion":"Once upon a time"}\n');
    expect(report).toMatchObject({ valid: true, format: "completion", statistics: { examples: 2 } });
  });

  it("reports every bad line with its number and reason", () => {
    const lines = [
      JSON.stringify({ messages: [{ role: "user", content: "ok" }, { role: "assistant", content: "fine" }] }),
      "{not json",
      JSON.stringify({ messages: [{ content: "no role" }, { role: "assistant", content: "x" }] }),
      JSON.stringify({ messages: [{ role: "user", content: "" }, { role: "assistant", content: "x" }] }),
      JSON.stringify({ messages: [{ role: "user", content: "only a user" }] }),
      JSON.stringify({
        messages: [
          { role: "user", content: "weather?" },
          { role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name: "get", arguments: "{bad" } }] },
        ],
      }),
      JSON.stringify({ messages: [{ role: "user", content: "a".repeat(10_000) }, { role: "assistant", content: "x" }] }),
      JSON.stringify({ messages: [{ role: "user", content: "hi" }, { role: "tool", content: "result" }, { role: "assistant", content: "x" }] }),
    ];
    const report = validate(lines.join("\n"));
    expect(report.valid).toBe(false);
    const byLine = (line: number) => report.errors.filter((error) => error.line === line).map((error) => error.message).join(" | ");
    expect(byLine(1)).toBe("");
    expect(byLine(2)).toMatch(/invalid JSON/);
    expect(byLine(3)).toMatch(/role/);
    expect(byLine(4)).toMatch(/empty content/);
    expect(byLine(5)).toMatch(/no assistant message/);
    expect(byLine(6)).toMatch(/arguments is not valid JSON/);
    expect(byLine(7)).toMatch(/longer than the base model's context of 1000/);
    expect(byLine(8)).toMatch(/tool_call_id/);
  });

  it("rejects mixing formats and empty files", () => {
    const mixed = validate('{"prompt":"a","completion":"b"}\n{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}]}\n');
    expect(mixed.errors).toEqual([{ line: 2, message: "this line is in chat format but the file started in completion format" }]);
    expect(validate("\n\n").errors[0]!.message).toMatch(/no examples/);
  });
});
