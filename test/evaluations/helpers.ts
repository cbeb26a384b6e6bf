import type { EmulatedReply } from "../emulators/openai/responder.js";

type Body = Record<string, any>;

const words = (text: string) => (text.match(/\S+/g) ?? []).length;

export function reply(text: string, body: Body): EmulatedReply {
  const prompt = (body.messages as Body[]).map((message) => (typeof message.content === "string" ? message.content : "")).join(" ");
  return { text, toolCalls: [], finishReason: "stop", promptTokens: words(prompt) + 3, completionTokens: words(text) };
}

function lastUser(body: Body): string {
  const user = [...(body.messages as Body[])].reverse().find((message) => message.role === "user");
  return typeof user?.content === "string" ? user.content : "";
}

/** "What is A plus B?" -> the sum. */
export function sumOf(question: string): number | undefined {
  const match = /What is (\d+) plus (\d+)\?/.exec(question);
  return match ? Number(match[1]) + Number(match[2]) : undefined;
}

function section(text: string, name: string): string {
  const match = new RegExp(`\\[${name}\\]\\n([\\s\\S]*?)(?:\\n\\n\\[|\\n\\n[A-Z][a-z]+ |$)`).exec(text);
  return match ? match[1]!.trim() : "";
}

/**
 * The upstream models of the evaluation tests, told apart by upstream model name:
 * `gpt-4o` adds correctly, `gpt-4o-mini` is off by one, `gpt-4.1` is a fair judge (it checks the
 * sum), `o3-mini` a judge that always prefers the first answer shown, `gpt-5-nano` answers JSON.
 */
export function emulatedModels(body: Body): EmulatedReply {
  const question = lastUser(body);
  switch (body.model) {
    case "gpt-4o":
      return reply(String(sumOf(question) ?? "I do not know"), body);
    case "gpt-4o-mini":
      return reply(String((sumOf(question) ?? 0) + 1), body);
    case "gpt-5-nano":
      return reply(JSON.stringify({ answer: sumOf(question) ?? 0 }), body);
    case "gpt-4.1": {
      const expected = sumOf(section(question, "Question"));
      if (question.includes("[Answer A]")) {
        const a = section(question, "Answer A") === String(expected);
        const b = section(question, "Answer B") === String(expected);
        return reply(a === b ? "Equally good. [[TIE]]" : a ? "A is correct. [[A]]" : "B is correct. [[B]]", body);
      }
      return reply(section(question, "Answer to grade") === String(expected) ? "Correct.\nScore: 10" : "Wrong sum.\nScore: 2", body);
    }
    case "o3-mini":
      return reply(question.includes("[Answer A]") ? "The first one. [[A]]" : "Score: 5/10", body);
    default:
      return reply(`You said: ${question}`, body);
  }
}

/** `count` addition rows with their sums as references. */
export function additionRows(count: number, start = 1): Array<{ messages: Array<{ role: string; content: string }>; reference: string }> {
  return Array.from({ length: count }, (_, index) => {
    const a = start + index;
    const b = 2 * (start + index) + 1;
    return { messages: [{ role: "user", content: `What is ${a} plus ${b}?` }], reference: String(a + b) };
  });
}
