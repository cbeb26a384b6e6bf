/**
 * Fails the test run when a test was skipped, where every test is expected to run (CI=true, or
 * SWY_REQUIRE_ALL_TESTS=1). A suite that skips because Chromium, the built console or the shared
 * model is missing would otherwise pass in silence and prove nothing. A skip that is legitimate is
 * listed, with its reason, in test/allowed-skips.json ("<file> > <full test name>").
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ALLOW_LIST = path.join(ROOT, "test", "allowed-skips.json");
/** Where a run may take its allow-list from instead (the reporter's own test). */
const ALLOW_LIST_VARIABLE = "SWY_ALLOWED_SKIPS";

interface AllowedSkip {
  test: string;
  reason: string;
}

export function skipsEnforced(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === "true" || env.CI === "1" || env.SWY_REQUIRE_ALL_TESTS === "1";
}

function allowList(): Set<string> {
  const file = process.env[ALLOW_LIST_VARIABLE] || ALLOW_LIST;
  if (!existsSync(file)) return new Set();
  const entries = JSON.parse(readFileSync(file, "utf8")) as AllowedSkip[];
  for (const entry of entries) {
    if (!entry.reason?.trim()) throw new Error(`${path.relative(ROOT, file)}: '${entry.test}' needs a reason`);
  }
  return new Set(entries.map((entry) => entry.test));
}

/** "<file relative to the repository> > <suite> > <test>" for every test that did not run. */
export function skippedTests(testModules: ReadonlyArray<TestModule>): string[] {
  const skipped: string[] = [];
  for (const module of testModules) {
    const file = path.relative(ROOT, module.moduleId);
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === "skipped" || state === "pending") skipped.push(`${file} > ${test.fullName}`);
    }
  }
  return skipped;
}

export default class NoSilentSkips implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (!skipsEnforced()) return;
    const allowed = allowList();
    const unexpected = skippedTests(testModules).filter((name) => !allowed.has(name));
    if (unexpected.length === 0) return;
    process.stderr.write(
      `\n${unexpected.length} test(s) skipped where every test must run (CI=true). Install what they need ` +
        `(Chromium, the built console, ../shared/models) or list them with a reason in test/allowed-skips.json:\n` +
        unexpected.map((name) => `  - ${name}\n`).join(""),
    );
    process.exitCode = 1;
  }
}
