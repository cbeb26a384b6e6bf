/**
 * What a console browser test stands on: the built console (a clear failure when `npm run build` was not
 * run), an OpenAI emulator as the upstream provider `up`, a gateway with a master key in front of it and
 * Chromium, started before the suite's own `beforeAll` and closed after it; plus the two things every such
 * test does with them: calls to the gateway with a key, and a console page opened with a key.
 */
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator, type OpenaiEmulatorOptions } from "../emulators/openai/server.js";
import { launchBrowser } from "../helpers/browser.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

/** A JSON answer as the tests read it: the fields they set up themselves, so loosely typed. */
export type JsonAnswer = Record<string, any>;

export interface ConsoleHarnessOptions {
  /**
   * The gateway's master key (also the key `call` and `request` use unless told another). Omitted: a
   * gateway without keys, open to every caller, as a fresh install runs.
   */
  master?: string;
  /** The gateway's config besides the `up` provider, which the harness adds; may read the started emulator. */
  config: (emulator: OpenaiEmulator) => Record<string, unknown>;
  emulator?: OpenaiEmulatorOptions;
}

export interface ConsoleHarness {
  readonly emulator: OpenaiEmulator;
  readonly gateway: RunningGateway;
  readonly browser: Browser;
  /** One HTTP call to the gateway (JSON body when given) as `key`: its status and JSON answer. */
  request(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; json: JsonAnswer }>;
  /** Like `request`, for setup that must work: a status of 300 or more fails the test, naming the call. */
  call(method: string, path: string, body?: unknown, key?: string): Promise<JsonAnswer>;
  /** A new page whose stored console key is `key` (none stored when undefined), at `/console/<hash>`. */
  open(key: string | undefined, hash?: string, page?: Parameters<Browser["newPage"]>[0]): Promise<Page>;
}

export function useConsoleHarness(options: ConsoleHarnessOptions): ConsoleHarness {
  const started: { emulator?: OpenaiEmulator; gateway?: RunningGateway; browser?: Browser } = {};
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The console harness has no ${what} yet: use it from beforeAll or a test.`);
    return value;
  };

  const harness: ConsoleHarness = {
    get emulator() {
      return need(started.emulator, "emulator");
    },
    get gateway() {
      return need(started.gateway, "gateway");
    },
    get browser() {
      return need(started.browser, "browser");
    },
    async request(method, path, body, key = options.master) {
      const response = await fetch(`${harness.gateway.url}${path}`, {
        method,
        headers: { ...(key !== undefined && { authorization: `Bearer ${key}` }), ...(body !== undefined && { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as JsonAnswer };
    },
    async call(method, path, body, key) {
      const answer = await harness.request(method, path, body, key);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.json)}`).toBeLessThan(300);
      return answer.json;
    },
    async open(key, hash = "", page) {
      const opened = await harness.browser.newPage(page);
      if (key !== undefined) await opened.addInitScript(`localStorage.setItem("switchyard.apiKey", ${JSON.stringify(key)})`);
      await opened.goto(`${harness.gateway.url}/console/${hash}`);
      return opened;
    },
  };

  beforeAll(async () => {
    if (!existsSync(new URL("../../console/dist/index.html", import.meta.url))) throw new Error("console/dist is missing: run `npm run build` first");
    started.emulator = await startOpenaiEmulator(options.emulator);
    const config = options.config(started.emulator);
    const providers = { up: { type: "openai", base_url: started.emulator.baseURL, api_key: "none" }, ...(config.providers as Record<string, unknown> | undefined) };
    started.gateway = await startGateway({ ...config, providers }, options.master === undefined ? {} : { env: { SWITCHYARD_MASTER_KEY: options.master } });
    started.browser = await launchBrowser();
  });

  afterAll(async () => {
    await started.browser?.close();
    await started.gateway?.close();
    await started.emulator?.close();
  });

  return harness;
}
