import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { guardrailsSchema } from "../../src/guardrails/config.js";
import { builtinCategories } from "../../src/guardrails/detectors/index.js";
import { PolicyResolver } from "../../src/guardrails/resolve-policy.js";

const categories = [...builtinCategories, "codename"];

function resolver(raw: Record<string, unknown>) {
  return new PolicyResolver(guardrailsSchema.parse(raw), categories);
}

describe("policy resolution", () => {
  const config = {
    detectors: { custom: { codename: { terms: ["Bluebird"] } } },
    input: { email: "redact", codename: "block" },
    models: { "gpt-eu": { input: { "*": "redact" } } },
    projects: { research: { input: { email: "allow" } } },
    keys: { ci: { input: { email: "block" } } },
    providers: { azure: { input: { phone: "allow" } }, onprem: { exempt: true } },
  };
  const subject = { keyId: "k1", model: "gpt" };

  it("layers defaults, global, model, project, key and provider policies", () => {
    const policy = resolver(config);
    expect(policy.input(subject).get("email")).toBe("redact");
    expect(policy.input(subject).get("phone")).toBe("mask"); // built-in default
    expect(policy.input(subject).get("private_key")).toBe("block");
    expect(policy.input(subject).get("high_entropy")).toBeUndefined();
    expect(policy.input({ ...subject, model: "gpt-eu" }).get("high_entropy")).toBe("redact");
    expect(policy.input({ ...subject, projectId: "research" }).get("email")).toBe("allow");
    expect(policy.input({ keyId: "ci", projectId: "research", model: "gpt" }).get("email")).toBe("block");
    expect(policy.input(subject, [{ name: "azure" }]).get("phone")).toBe("allow");
  });

  it("takes the strictest policy across fallback providers and exempts trusted ones", () => {
    const policy = resolver(config);
    expect(policy.input(subject, [{ name: "onprem" }]).size).toBe(0);
    expect(policy.input(subject, [{ name: "llama", local: true }]).size).toBe(0);
    expect(resolver({ ...config, exempt_local_providers: false }).input(subject, [{ name: "llama", local: true }]).get("email")).toBe("redact");
    const mixed = policy.input(subject, [{ name: "onprem" }, { name: "azure" }, { name: "openai" }]);
    expect(mixed.get("phone")).toBe("mask"); // azure allows it, openai does not
    expect(mixed.get("codename")).toBe("block");
  });

  it("resolves output policies with the answering provider", () => {
    const policy = resolver({ output: { email: "redact" }, providers: { local: { output: { api_key: "allow" } } } });
    expect(Object.fromEntries(policy.output(subject))).toEqual({ private_key: "block", api_key: "redact", email: "redact" });
    expect(policy.output(subject, "local").get("api_key")).toBe("allow");
  });
});

describe("guardrails config", () => {
  const problems = (guardrails: unknown) => {
    try {
      parseConfig({ guardrails });
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("accepts an empty section and rejects unknown categories, keys and bad patterns with a path", () => {
    expect(problems({})).toBe("");
    expect(problems({ input: { emails: "mask" } })).toContain('guardrails.input.emails: unknown category "emails"');
    expect(problems({ input: { email: "hide" } })).toContain("guardrails.input.email");
    expect(problems({ output: { email: "mask" } })).toContain("guardrails.output.email");
    expect(problems({ keys: { k: { input: { nope: "mask" } } } })).toContain("guardrails.keys.k.input.nope");
    expect(problems({ detectors: { custom: { bad: { patterns: ["("] } } } })).toContain("guardrails.detectors.custom.bad.patterns");
    expect(problems({ detectors: { custom: { email: { terms: ["x"] } } } })).toContain("built-in category");
    expect(problems({ detectors: { phone_default_country: "XX" } })).toContain("phone_default_country");
    expect(problems({ unknown: true })).toContain("unknown");
  });
});
