import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverSchema } from "../../src/config/schema.js";
import { DEFAULT_LOCAL_MODEL } from "../../src/providers/local/default-model.js";
import { freePort } from "../helpers/free-port.js";
import { CHATML_TEMPLATE, tinyLlamaGguf, writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { startModelHub, type ModelHub } from "./model-hub.js";

/**
 * The README's quickstart, run as written: the command in "The two commands" starts the server from
 * the built dist/ (what `npm ci` leaves through `prepare`), it answers /health, a GGUF file placed in
 * the data directory answers a chat as `local/<file>`, the default `local` model is fetched on first
 * start (from a hub on 127.0.0.1) and answers too, and SIGTERM stops it. The command is read from
 * README.md, so the README cannot drift from what works.
 */

const ROOT = resolve(import.meta.dirname, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const SLOW = { timeout: 240_000 };

/** The first ```sh block under "## The two commands", and that section's text. */
function quickstart(): { command: string; section: string } {
  const section = /^## The two commands\n([\s\S]*?)(?=^## )/m.exec(README)?.[1];
  if (!section) throw new Error('README.md has no "## The two commands" section');
  const command = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1]?.trim();
  if (!command) throw new Error('"## The two commands" has no ```sh block');
  return { command, section };
}

/** The server's log lines (JSON) and everything else it printed. */
const output: string[] = [];
let child: ChildProcess | undefined;
let hub: ModelHub;
let dataDir: string;
const defaultModel = tinyLlamaGguf({ seed: 13, chatTemplate: CHATML_TEMPLATE });

beforeAll(async () => {
  // What `npm ci` built through `prepare`; CI runs exactly that before the tests.
  expect(existsSync(join(ROOT, "dist/cli/main.js")), "dist/ is missing: run `npm run build` (npm ci does it through prepare)").toBe(true);
  expect(existsSync(join(ROOT, "console/dist/index.html")), "console/dist is missing: run `npm run build`").toBe(true);
  // With a ./switchyard.yaml in the checkout the command would not run on the built-in defaults the README means.
  expect(existsSync(join(ROOT, "switchyard.yaml")), "remove ./switchyard.yaml: the quickstart runs on the built-in defaults").toBe(false);
  hub = await startModelHub([{ repository: "HuggingFaceTB/SmolLM2-360M-Instruct-GGUF", file: "smollm2-360m-instruct-q8_0.gguf", body: defaultModel }]);
  dataDir = mkdtempSync(join(tmpdir(), "swy-quickstart-"));
});

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
  await hub?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) while waiting for ${what}:\n${output.join("")}`);
    }
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output.join("").slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const chat = (url: string, model: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "Hello!" }], max_tokens: 8, seed: 1 }),
  });

describe("README quickstart", SLOW, () => {
  it("says to install and start, on the address the defaults use", () => {
    const { command, section } = quickstart();
    const steps = command.split("&&").map((step) => step.trim());
    expect(steps[0]).toBe("npm ci");
    expect(steps.length).toBeGreaterThan(1);
    // `npm ci` builds dist/ and the console through `prepare`.
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.prepare).toMatch(/npm run build/);
    const defaults = serverSchema.parse({});
    expect(section).toContain(`http://${defaults.host}:${defaults.port}`);
    expect(section).toContain("`/console/`");
  });

  it("starts as written, answers a chat with a model file from the data directory and with the downloaded `local`, and stops", async () => {
    const { command } = quickstart();
    // `npm ci` has run (CI installs with it); repeating it would replace node_modules under the running suite.
    const run = command
      .split("&&")
      .map((step) => step.trim())
      .filter((step) => step !== "npm ci")
      .join(" && ");
    mkdirSync(join(dataDir, "models"));
    writeTinyLlamaGguf(join(dataDir, "models", "quickstart.gguf"), { chatTemplate: CHATML_TEMPLATE, seed: 9 });
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) {
      if (name.startsWith("SWITCHYARD_") || /_API_KEY$/.test(name) || name.startsWith("AWS_") || name.startsWith("HF_")) delete env[name];
    }
    // The documented overrides only: a free port, a temporary data directory, the model hub on loopback.
    Object.assign(env, { SWITCHYARD_PORT: String(port), SWITCHYARD_DATA_DIR: dataDir, HF_ENDPOINT: hub.endpoint });
    child = spawn("sh", ["-c", run], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    // "close": the process ended and its output was read to the end (the log is written asynchronously).
    const running = child;
    const closed = new Promise<void>((resolve) => running.once("close", () => resolve()));
    child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const url = `http://127.0.0.1:${port}`;

    await waitFor("/health", 60_000, async () => ((await fetch(`${url}/health`)).ok ? true : undefined));
    const page = await fetch(`${url}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<div id=");

    const fromFile = await chat(url, "local/quickstart");
    expect(fromFile.status, await fromFile.clone().text()).toBe(200);
    const body = (await fromFile.json()) as { choices: Array<{ message: { role: string } }> };
    expect(body.choices[0]!.message.role).toBe("assistant");
    expect(fromFile.headers.get("x-switchyard-provider")).toBe("local");

    // The default model was missing: the first start fetched it from the hub, and it answers.
    await waitFor("the default model to download", 60_000, async () => {
      const model = (await (await fetch(`${url}/v1/models/${DEFAULT_LOCAL_MODEL.publicName}`)).json()) as { status?: { state: string } };
      return model.status?.state === "ready" ? true : undefined;
    });
    const fromDefault = await chat(url, DEFAULT_LOCAL_MODEL.publicName);
    expect(fromDefault.status, await fromDefault.clone().text()).toBe(200);
    expect(output.join("")).toMatch(/Downloading 'smollm2-360m-instruct': \d+%/);

    process.kill(-child.pid!, "SIGTERM");
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      process.kill(-running.pid!, "SIGKILL");
    }, 30_000);
    await closed;
    clearTimeout(timer);
    expect(forced, "the server did not stop within 30 s of SIGTERM").toBe(false);
    // Stopped cleanly: the server's own shutdown, not the group's signal, ended it.
    expect(output.join("")).toContain("shutting down");
  });
});
