import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LineBuffer, type LineTarget } from "../../src/observability/line-buffer.js";

/** A destination that records what it is given and what is asked of it. */
function recorder() {
  const calls: string[] = [];
  const target: LineTarget = {
    write: (data) => calls.push(`write:${data}`),
    flush: (callback) => {
      calls.push("flush");
      callback?.();
    },
    flushSync: () => calls.push("flushSync"),
    end: () => calls.push("end"),
  };
  return { calls, target };
}

/** Runs a script that logs through the gateway's logger to stdout, and returns what reached stdout. */
async function stdoutOf(script: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "swy-line-buffer-"));
  try {
    const file = join(dir, "script.mts");
    const logger = resolve("src/observability/logger.ts");
    writeFileSync(file, `import { createLogger } from ${JSON.stringify(logger)};\nconst logger = createLogger("info");\n${script}\n`);
    const child = spawn(process.execPath, ["--import", "tsx", file], { stdio: ["ignore", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    const deadline = setTimeout(() => child.kill("SIGKILL"), 20_000);
    await new Promise((done) => child.once("close", done));
    clearTimeout(deadline);
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the log line buffer", () => {
  it("hands lines over in order, a few kilobytes at a time, and the rest on flush, flushSync and end", () => {
    const { calls, target } = recorder();
    const buffer = new LineBuffer(target, 10);
    buffer.write("aaaa\n");
    expect(calls).toEqual([]);
    buffer.write("bbbb\n");
    expect(calls).toEqual(["write:aaaa\nbbbb\n"]);
    buffer.write("cc\n");
    let flushed = false;
    buffer.flush(() => (flushed = true));
    expect(calls.slice(1)).toEqual(["write:cc\n", "flush"]);
    expect(flushed).toBe(true);
    buffer.flush();
    expect(calls.slice(3)).toEqual(["flush"]);
    buffer.write("dd\n");
    buffer.flushSync();
    buffer.write("ee\n");
    buffer.end();
    expect(calls.slice(4)).toEqual(["write:dd\n", "flushSync", "write:ee\n", "end"]);
  });

  it("hands a turn's lines over at the end of the turn, so a quiet gateway's log stays current", async () => {
    const { calls, target } = recorder();
    const buffer = new LineBuffer(target, 4096);
    buffer.write("one\n");
    buffer.write("two\n");
    expect(calls).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(["write:one\ntwo\n"]);
    buffer.write("three\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(["write:one\ntwo\n", "write:three\n"]);
  });

  it("loses no line when the process exits, by process.exit or by running out of work", async () => {
    const lines = (text: string) => text.split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { msg: string }).msg);
    const expected = Array.from({ length: 30 }, (_, index) => `line ${index}`);
    const log = `for (let index = 0; index < 30; index++) logger.info(\`line \${index}\`);`;
    expect(lines(await stdoutOf(`${log}\nprocess.exit(0);`))).toEqual(expected);
    expect(lines(await stdoutOf(log))).toEqual(expected);
    // More than the buffer holds, then an exit in the middle of writing.
    const many = Array.from({ length: 2000 }, (_, index) => `line ${index}`);
    expect(lines(await stdoutOf(`for (let index = 0; index < 2000; index++) logger.info(\`line \${index}\`);\nprocess.exit(0);`))).toEqual(many);
  }, 60_000);
});
