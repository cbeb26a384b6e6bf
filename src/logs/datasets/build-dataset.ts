import type { DetectorSet } from "../../guardrails/detectors/index.js";
import { shuffled } from "../../routing/auto/dataset.js";
import type { LoggedRequest, LoggedResponse } from "../chat-format.js";
import type { LogRecord } from "../log-store.js";

/** One line of a chat-format fine-tuning file (OpenAI's shape). */
export interface ChatExample {
  messages: Array<{ role: "system" | "user" | "assistant"; content: string }>;
}

export interface DatasetCounts {
  /** Stored requests the query matched. */
  matched: number;
  /** Matched but not a plain text conversation with a text answer (tools, images, errors, no text). */
  unusable: number;
  /** Repeats of an example already taken. */
  duplicates: number;
  /** Examples the guardrail detectors still found personal data or secrets in. */
  pii_dropped: number;
  /** Dropped examples per category found in them (an example with two categories counts under both). */
  pii_categories: Record<string, number>;
  kept: number;
  /** True when `max_rows` examples were kept before the matching requests ran out. */
  truncated: boolean;
  train: number;
  validation: number;
}

export interface BuildOptions {
  detectors: DetectorSet;
  /** Categories not to re-check (an operator's explicit choice); every other one drops the example. */
  allowCategories?: readonly string[];
  includeSystem: boolean;
  validationFraction: number;
  seed: number;
  maxRows: number;
}

export interface BuiltDataset {
  train: ChatExample[];
  validation: ChatExample[];
  counts: DatasetCounts;
}

/** A stored request and its answer as a training example, or undefined when it is not plain text chat. */
export function exampleOf(row: LogRecord, includeSystem: boolean): ChatExample | undefined {
  if (row.status !== "success" || row.request_json === null || row.response_json === null) return undefined;
  let request: LoggedRequest;
  let response: LoggedResponse;
  try {
    request = JSON.parse(row.request_json) as LoggedRequest;
    response = JSON.parse(row.response_json) as LoggedResponse;
  } catch {
    return undefined;
  }
  if (response.error !== undefined || (response.tool_calls?.length ?? 0) > 0 || response.text.trim() === "") return undefined;
  const messages: ChatExample["messages"] = [];
  for (const message of request.messages) {
    if (message.role === "tool" || message.tool_calls !== undefined || message.images_omitted) return undefined;
    if (message.role === "system" && !includeSystem) continue;
    messages.push({ role: message.role, content: message.content });
  }
  if (!messages.some((message) => message.role === "user")) return undefined;
  messages.push({ role: "assistant", content: response.text });
  return { messages };
}

/**
 * Turns matching stored requests into a chat-format dataset: plain text conversations only,
 * deduplicated (same messages, same answer), re-checked by the guardrail detectors (an example in
 * which any still finds something is dropped and counted by category), then split into training
 * and validation with a seeded shuffle, so the same query and seed give the same files.
 */
export async function buildDataset(rows: AsyncIterable<LogRecord>, options: BuildOptions): Promise<BuiltDataset> {
  const counts: DatasetCounts = { matched: 0, unusable: 0, duplicates: 0, pii_dropped: 0, pii_categories: {}, kept: 0, truncated: false, train: 0, validation: 0 };
  const allowed = new Set(options.allowCategories ?? []);
  const wanted = new Set(options.detectors.categories.filter((category) => !allowed.has(category)));
  const seen = new Set<string>();
  const kept: ChatExample[] = [];
  for await (const row of rows) {
    counts.matched++;
    const example = exampleOf(row, options.includeSystem);
    if (!example) {
      counts.unusable++;
      continue;
    }
    const key = JSON.stringify(example.messages.map((message) => [message.role, message.content.trim()]));
    if (seen.has(key)) {
      counts.duplicates++;
      continue;
    }
    seen.add(key);
    const findings = example.messages.flatMap((message) => options.detectors.detect(message.content, wanted));
    if (findings.length > 0) {
      counts.pii_dropped++;
      for (const category of new Set(findings.map((finding) => finding.category))) counts.pii_categories[category] = (counts.pii_categories[category] ?? 0) + 1;
      continue;
    }
    kept.push(example);
    if (kept.length >= options.maxRows) {
      counts.truncated = true;
      break;
    }
  }
  const order = shuffled(kept, options.seed);
  // At least one validation example once there are two, none for a single one.
  const validationSize = order.length < 2 || options.validationFraction === 0 ? 0 : Math.max(1, Math.round(order.length * options.validationFraction));
  const validation = order.slice(0, validationSize);
  const train = order.slice(validationSize);
  counts.kept = kept.length;
  counts.train = train.length;
  counts.validation = validation.length;
  return { train, validation, counts };
}

export function toJsonl(examples: readonly ChatExample[]): string {
  return examples.map((example) => JSON.stringify(example)).join("\n") + "\n";
}
