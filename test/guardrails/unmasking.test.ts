import { describe, expect, it } from "vitest";
import type { StreamPart } from "../../src/core/types.js";
import { DetectorSet } from "../../src/guardrails/detectors/index.js";
import { guardOutput } from "../../src/guardrails/output-stream.js";
import { StreamingUnmasker } from "../../src/guardrails/streaming-unmasker.js";
import { MaskVault } from "../../src/guardrails/vault.js";

function vaultWith(values: Array<[string, string]>): MaskVault {
  const vault = new MaskVault();
  for (const [category, value] of values) vault.mask(category, value);
  return vault;
}

async function collect(parts: StreamPart[], vault: MaskVault, policy = new Map()): Promise<StreamPart[]> {
  async function* source() {
    yield* parts;
  }
  const out: StreamPart[] = [];
  for await (const part of guardOutput(source(), { vault, detectors: new DetectorSet(), policy, window: 64, onAction: () => undefined })) out.push(part);
  return out;
}

describe("mask vault", () => {
  it("gives one placeholder per distinct value and restores them", () => {
    const vault = new MaskVault();
    expect(vault.mask("email", "a@example.com")).toBe("[EMAIL_1]");
    expect(vault.mask("email", "b@example.com")).toBe("[EMAIL_2]");
    expect(vault.mask("email", "a@example.com")).toBe("[EMAIL_1]");
    expect(vault.mask("credit_card", "4111111111111111")).toBe("[CREDIT_CARD_1]");
    expect(vault.restore("to [EMAIL_2] and [EMAIL_1], not [EMAIL_3] or [CREDIT_CARD_1]")).toBe(
      "to b@example.com and a@example.com, not [EMAIL_3] or 4111111111111111",
    );
  });

  it("skips placeholders the client already wrote and escapes for JSON", () => {
    const vault = new MaskVault((placeholder) => placeholder === "[EMAIL_1]");
    expect(vault.mask("email", "x@example.com")).toBe("[EMAIL_2]");
    vault.mask("private_key", 'line1\n"quoted"');
    expect(vault.restore('{"k":"[PRIVATE_KEY_1]"}', true)).toBe('{"k":"line1\\n\\"quoted\\""}');
  });
});

describe("streaming unmasker", () => {
  const vault = vaultWith([
    ["email", "alice@example.com"],
    ["phone", "+44 20 7946 0958"],
  ]);
  const text = "Mail [EMAIL_1] or call [PHONE_1]; keep [EMAIL_9] and [brackets] and [";
  const expected = "Mail alice@example.com or call +44 20 7946 0958; keep [EMAIL_9] and [brackets] and [";

  it("restores placeholders split at every position between two deltas", () => {
    for (let cut = 0; cut <= text.length; cut++) {
      const unmasker = new StreamingUnmasker(vault);
      const out = unmasker.push(text.slice(0, cut)) + unmasker.push(text.slice(cut)) + unmasker.flush();
      expect(out, `cut at ${cut}`).toBe(expected);
    }
  });

  it("restores placeholders streamed one character at a time, holding back no more than a placeholder", () => {
    const unmasker = new StreamingUnmasker(vault);
    let out = "";
    let most = 0;
    for (const char of text) {
      out += unmasker.push(char);
      most = Math.max(most, unmasker.buffered);
    }
    out += unmasker.flush();
    expect(out).toBe(expected);
    expect(most).toBeLessThan(vault.maxPlaceholderLength);
  });

  it("passes text straight through when nothing was masked", () => {
    const unmasker = new StreamingUnmasker(new MaskVault());
    expect(unmasker.push("[EMAIL_")).toBe("[EMAIL_");
  });
});

describe("guarded output stream", () => {
  it("unmasks text and tool-call argument deltas, keeping part order", async () => {
    const vault = vaultWith([["email", 'bob"o@example.com']]);
    const parts: StreamPart[] = [
      { type: "response-metadata", id: "x" },
      { type: "text-delta", text: "Sending to [EM" },
      { type: "text-delta", text: "AIL_1" },
      { type: "tool-call-start", index: 0, id: "call_1", name: "send" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"to":"[EMAIL' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '_1]"}' },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: { unified: "tool-calls" } },
    ];
    const out = await collect(parts, vault);
    const kinds = out.map((part) => part.type).filter((type, index, all) => type !== all[index - 1]);
    expect(kinds).toEqual(["response-metadata", "text-delta", "tool-call-start", "tool-call-delta", "tool-call-end", "finish"]);
    const text = out.flatMap((part) => (part.type === "text-delta" ? [part.text] : [])).join("");
    expect(text).toBe('Sending to [EMAIL_1'); // never closed: not a placeholder
    const args = out.flatMap((part) => (part.type === "tool-call-delta" ? [part.argumentsDelta] : [])).join("");
    expect(JSON.parse(args)).toEqual({ to: 'bob"o@example.com' });
  });

  it("redacts a secret split across deltas and blocks a private key before it is sent", async () => {
    const key = "sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0n";
    const policy = new Map([
      ["api_key", "redact"],
      ["private_key", "block"],
    ]);
    const chunks = `Your key is ${key} and more text after it.`.match(/.{1,5}/gs)!;
    const out = await collect(
      chunks.map((text) => ({ type: "text-delta", text })),
      new MaskVault(),
      policy,
    );
    const text = out.flatMap((part) => (part.type === "text-delta" ? [part.text] : [])).join("");
    expect(text).toBe("Your key is [REDACTED_API_KEY] and more text after it.");

    const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    const blocked = await collect(
      `Here it is: ${pem} done`.match(/.{1,7}/gs)!.map((text) => ({ type: "text-delta", text })),
      new MaskVault(),
      policy,
    );
    const sent = blocked.flatMap((part) => (part.type === "text-delta" ? [part.text] : [])).join("");
    expect(sent).not.toContain("MIIEvQ");
    const last = blocked.at(-1)!;
    expect(last.type).toBe("error");
    expect(last.type === "error" && (last.error as { code?: string }).code).toBe("SWY_ERR_GUARDRAIL_BLOCKED");
  });
});
