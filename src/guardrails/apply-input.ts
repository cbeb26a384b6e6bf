import { SwitchyardError } from "../core/errors.js";
import type { ChatRequest, Message, TextPart } from "../core/types.js";
import type { InputAction } from "./config.js";
import type { DetectorSet, Finding } from "./detectors/index.js";
import { activeCategories } from "./policy.js";
import { MaskVault, placeholdersIn, redactionFor } from "./vault.js";

export interface ActionTally {
  category: string;
  action: InputAction;
  count: number;
}

export interface InputOutcome {
  request: ChatRequest;
  /** What unmasks the answer; empty when the masking is one-way (embeddings). */
  vault: MaskVault;
  tally: ActionTally[];
  /** How many values were masked (the vault's size, unless each text had its own). */
  masked: number;
}

/** Thrown when a request holds a category whose policy is `block`; names the category, never the value. */
export class GuardrailBlockedError extends SwitchyardError {
  constructor(
    readonly category: string,
    direction: "request" | "response",
    param?: string,
  ) {
    super(
      "SWY_ERR_GUARDRAIL_BLOCKED",
      `The ${direction} was blocked by a guardrail: it contains data of category '${category}', which the policy does not allow${direction === "request" ? " to be sent to this model" : ""}.`,
      { param },
    );
  }
}

/** Where a text sits in the request, for naming the field a block error points at. */
export interface TextLocation {
  message: number;
  part: number;
  field: "content" | "tool_calls";
}

/** How a field is named to the client: chat requests name `messages[i].content`; other endpoints their own fields. */
export type FieldNamer = (location: TextLocation) => string;

export const chatFieldName: FieldNamer = ({ message, field }) => `messages[${message}].${field}`;

/**
 * Applies the input policy to every text the provider will see: system, user and assistant text,
 * tool-call arguments and tool results. Reasoning parts are left alone (their signatures must
 * round-trip unchanged) and images are not inspected.
 */
export function applyInputPolicy(
  request: ChatRequest,
  policy: ReadonlyMap<string, InputAction>,
  detectors: DetectorSet,
  fieldName: FieldNamer = chatFieldName,
): InputOutcome {
  const wanted = activeCategories(policy);
  const taken = new Set<string>(placeholdersIn(JSON.stringify(request.messages)));
  const vault = new MaskVault((placeholder) => taken.has(placeholder));
  const counts = new Map<string, ActionTally>();
  if (wanted.size === 0) return { request, vault, tally: [], masked: 0 };

  const transform = (text: string, location: TextLocation): string => {
    const findings = detectors.detect(text, wanted);
    if (findings.length === 0) return text;
    for (const finding of findings) {
      if (policy.get(finding.category) === "block") throw new GuardrailBlockedError(finding.category, "request", fieldName(location));
    }
    return rewrite(text, findings, (finding, value) => {
      const action = policy.get(finding.category) ?? "allow";
      const key = `${finding.category}\u0000${action}`;
      const tally = counts.get(key) ?? { category: finding.category, action, count: 0 };
      tally.count++;
      counts.set(key, tally);
      if (action === "mask") return vault.mask(finding.category, value);
      if (action === "redact") return redactionFor(finding.category);
      return value;
    });
  };

  const messages = request.messages.map((message, index) => transformMessage(message, index, transform));
  return { request: { ...request, messages }, vault, tally: [...counts.values()], masked: vault.size };
}

/**
 * Embedding inputs: each text is masked on its own, so a text always turns into the same masked
 * text (and the same vector) whichever batch it is sent in. Nothing comes back to unmask: the
 * returned vault is empty.
 */
export function applyInputPolicyPerText(
  request: ChatRequest,
  policy: ReadonlyMap<string, InputAction>,
  detectors: DetectorSet,
  fieldName: FieldNamer,
): InputOutcome {
  const tally = new Map<string, ActionTally>();
  let masked = 0;
  const messages = request.messages.map((message, index) => {
    if (message.role !== "user") return message;
    const content = message.content.map((part, position) => {
      if (part.type !== "text") return part;
      const single: ChatRequest = { ...request, messages: [{ role: "user", content: [part] }] };
      const outcome = applyInputPolicy(single, policy, detectors, () => fieldName({ message: index, part: position, field: "content" }));
      masked += outcome.masked;
      for (const item of outcome.tally) {
        const key = `${item.category}\u0000${item.action}`;
        const sum = tally.get(key) ?? { ...item, count: 0 };
        sum.count += item.count;
        tally.set(key, sum);
      }
      const [only] = outcome.request.messages;
      return only?.role === "user" ? (only.content[0] ?? part) : part;
    });
    return { ...message, content };
  });
  return { request: { ...request, messages }, vault: new MaskVault(), tally: [...tally.values()], masked };
}

type Transform = (text: string, location: TextLocation) => string;

function transformMessage(message: Message, index: number, transform: Transform): Message {
  const at = (part: number, field: TextLocation["field"] = "content"): TextLocation => ({ message: index, part, field });
  const text = (part: TextPart, location: TextLocation): TextPart => {
    const next = transform(part.text, location);
    return next === part.text ? part : { ...part, text: next };
  };
  switch (message.role) {
    case "system":
      return { ...message, content: message.content.map((part, position) => text(part, at(position))) };
    case "user":
      return { ...message, content: message.content.map((part, position) => (part.type === "text" ? text(part, at(position)) : part)) };
    case "assistant":
      return {
        ...message,
        content: message.content.map((part, position) => {
          if (part.type === "text") return text(part, at(position));
          if (part.type === "tool-call") {
            const next = transform(part.arguments, at(position, "tool_calls"));
            return next === part.arguments ? part : { ...part, arguments: next };
          }
          return part;
        }),
      };
    case "tool":
      return {
        ...message,
        content: message.content.map((result, position) => ({
          ...result,
          content: result.content.map((part) => (part.type === "text" ? text(part, at(position)) : part)),
        })),
      };
  }
}

/** Replaces each finding's span with what `replace` returns for it. */
export function rewrite(text: string, findings: readonly Finding[], replace: (finding: Finding, value: string) => string): string {
  let out = "";
  let cursor = 0;
  for (const finding of findings) {
    out += text.slice(cursor, finding.start) + replace(finding, text.slice(finding.start, finding.end));
    cursor = finding.end;
  }
  return out + text.slice(cursor);
}
