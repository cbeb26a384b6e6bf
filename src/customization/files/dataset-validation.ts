/**
 * Validation of fine-tuning datasets (JSONL): OpenAI's chat format (`{"messages": [...]}`) and the
 * completion format (`{"prompt": ..., "completion": ...}`). Every problem is reported with its line
 * number; a file with any error is rejected whole.
 */
import { z } from "zod";
import { countTokens } from "./token-count.js";

export type DatasetFormat = "chat" | "completion";

export interface LineIssue {
  line: number;
  message: string;
}

export interface DatasetStatistics {
  examples: number;
  /**
   * Chat files: the messages of all examples (the local estimate adds the chat format's tokens per
   * message). Absent for completion files, and on files validated before it was counted.
   */
  messages?: number;
  totalTokens: number;
  minTokensPerExample: number;
  maxTokensPerExample: number;
  meanTokensPerExample: number;
}

export interface DatasetReport {
  valid: boolean;
  format: DatasetFormat | null;
  errors: LineIssue[];
  statistics: DatasetStatistics;
  /** Training texts in order, one per example (what the local trainer learns from). */
  texts: string[];
}

export interface ValidationOptions {
  /** Longer examples are errors (the base model's context). */
  maxTokensPerExample: number;
  /** Reports stop listing errors after this many (the count is still exact). */
  maxReportedErrors?: number;
}

const toolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const contentPartSchema = z.object({ type: z.literal("text"), text: z.string() });

const messageSchema = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional(),
  tool_calls: z.array(toolCallSchema).optional(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
  weight: z.union([z.literal(0), z.literal(1)]).optional(),
});

const chatExampleSchema = z.object({
  messages: z.array(messageSchema).min(1, "messages is empty"),
  tools: z.array(z.unknown()).optional(),
  parallel_tool_calls: z.boolean().optional(),
});

const completionExampleSchema = z.object({ prompt: z.string(), completion: z.string().min(1, "completion is empty") });

type ChatMessage = z.infer<typeof messageSchema>;

function textOf(message: ChatMessage): string {
  if (typeof message.content === "string") return message.content;
  if (Array.isArray(message.content)) return message.content.map((part) => part.text).join("");
  return "";
}

function chatProblems(messages: ChatMessage[]): string[] {
  const problems: string[] = [];
  messages.forEach((message, index) => {
    const where = `messages[${index}]`;
    const text = textOf(message);
    if (message.tool_calls) {
      if (message.role !== "assistant") problems.push(`${where}: only assistant messages may have tool_calls`);
      message.tool_calls.forEach((call, callIndex) => {
        try {
          JSON.parse(call.function.arguments);
        } catch {
          problems.push(`${where}.tool_calls[${callIndex}].function.arguments is not valid JSON`);
        }
      });
    } else if (text.trim().length === 0) {
      problems.push(`${where} (${message.role}) has empty content`);
    }
    if (message.role === "tool" && !message.tool_call_id) problems.push(`${where}: a tool message needs tool_call_id`);
  });
  if (!messages.some((message) => message.role === "assistant")) {
    problems.push("no assistant message: there is nothing to learn");
  }
  return problems;
}

/** The example as one training text: roles as plain prefixes (base models have no chat template). */
function chatText(messages: ChatMessage[]): string {
  return messages
    .map((message) =>
      message.role === "assistant" && !message.tool_calls ? textOf(message) : `${message.role}: ${textOf(message)}`,
    )
    .join("\n");
}

function zodMessage(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ");
}

export function validateDataset(content: string, options: ValidationOptions): DatasetReport {
  const maxReported = options.maxReportedErrors ?? 100;
  const errors: LineIssue[] = [];
  let errorCount = 0;
  const report = (line: number, message: string) => {
    errorCount += 1;
    if (errors.length < maxReported) errors.push({ line, message });
  };
  let format: DatasetFormat | null = null;
  const texts: string[] = [];
  const tokenCounts: number[] = [];
  let messages = 0;
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim().length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      report(line, `invalid JSON: ${(error as Error).message}`);
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      report(line, "each line must be a JSON object");
      return;
    }
    const lineFormat: DatasetFormat = "messages" in value ? "chat" : "prompt" in value || "completion" in value ? "completion" : "chat";
    if (format === null) format = lineFormat;
    if (lineFormat !== format) {
      report(line, `this line is in ${lineFormat} format but the file started in ${format} format`);
      return;
    }
    let text: string;
    let length = 0;
    if (lineFormat === "chat") {
      const parsed = chatExampleSchema.safeParse(value);
      if (!parsed.success) {
        report(line, zodMessage(parsed.error).replace(/^messages\.(\d+)/, "messages[$1]") || "missing messages");
        return;
      }
      const problems = chatProblems(parsed.data.messages);
      if (problems.length > 0) {
        for (const problem of problems) report(line, problem);
        return;
      }
      text = chatText(parsed.data.messages);
      length = parsed.data.messages.length;
    } else {
      const parsed = completionExampleSchema.safeParse(value);
      if (!parsed.success) {
        report(line, zodMessage(parsed.error));
        return;
      }
      text = parsed.data.prompt + parsed.data.completion;
    }
    const tokens = countTokens(text);
    if (tokens > options.maxTokensPerExample) {
      report(line, `example is ${tokens} tokens, longer than the base model's context of ${options.maxTokensPerExample}`);
      return;
    }
    texts.push(text);
    tokenCounts.push(tokens);
    messages += length;
  });
  if (texts.length === 0 && errorCount === 0) report(0, "the file has no examples");
  const total = tokenCounts.reduce((sum, count) => sum + count, 0);
  if (errorCount > errors.length) {
    errors.push({ line: 0, message: `${errorCount - errors.length} more errors not listed` });
  }
  return {
    valid: errorCount === 0,
    format,
    errors,
    statistics: {
      examples: tokenCounts.length,
      ...(format === "chat" && { messages }),
      totalTokens: total,
      minTokensPerExample: tokenCounts.length > 0 ? Math.min(...tokenCounts) : 0,
      maxTokensPerExample: tokenCounts.length > 0 ? Math.max(...tokenCounts) : 0,
      meanTokensPerExample: tokenCounts.length > 0 ? Math.round(total / tokenCounts.length) : 0,
    },
    texts,
  };
}
