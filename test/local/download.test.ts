import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseModelSource } from "../../src/models/model-source.js";
import { pullModel } from "../../src/models/pull.js";
import { findPulledFile, listStoredModels } from "../../src/models/store.js";
import { tinyLlamaGguf } from "./gguf-writer.js";

const model = tinyLlamaGguf({ seed: 3 });
const digest = createHash("sha256").update(model).digest("hex");
const FILE = "tiny-model-Q8_0.gguf";

/** A Hugging Face look-alike on loopback: the tree API and `resolve/` downloads with Range support. */
const state = { cutAfter: 0, advertisedSha: digest, rangeRequests: [] as string[], downloads: 0 };
let server: Server;
let endpoint: string;
let directory: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? "";
    if (url.startsWith("/api/models/test/tiny-GGUF/tree/main")) {
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify([
          { type: "file", path: "README.md", size: 10 },
          { type: "file", path: FILE, size: model.length, lfs: { oid: state.advertisedSha, size: model.length } },
          { type: "file", path: "tiny-model-Q4_K_M.gguf", size: 5, lfs: { oid: "0".repeat(64), size: 5 } },
        ]),
      );
      return;
    }
    if (url === `/test/tiny-GGUF/resolve/main/${FILE}` || url === "/plain/model.gguf") {
      state.downloads++;
      let start = 0;
      const range = request.headers.range;
      if (range) {
        state.rangeRequests.push(range);
        start = Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0);
        response.writeHead(206, { "content-range": `bytes ${start}-${model.length - 1}/${model.length}`, "content-length": model.length - start });
      } else {
        response.writeHead(200, { "content-length": model.length });
      }
      const body = model.subarray(start);
      if (state.cutAfter > 0) {
        // Simulates a dropped connection part-way through.
        response.write(body.subarray(0, state.cutAfter), () => setTimeout(() => response.destroy(), 20));
        state.cutAfter = 0;
        return;
      }
      response.end(body);
      return;
    }
    if (url === "/plain/bad.gguf") {
      response.end(Buffer.from("GGUF but not really a model file"));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "swy-pull-"));
  Object.assign(state, { cutAfter: 0, advertisedSha: digest, rangeRequests: [], downloads: 0 });
  return () => rmSync(directory, { recursive: true, force: true });
});

describe("models pull", () => {
  it("resumes a cut download with a Range request and verifies the published sha256", async () => {
    state.cutAfter = 100_000;
    await expect(pullModel({ source: "hf:test/tiny-GGUF:Q8_0", modelsDir: directory, endpoint })).rejects.toMatchObject({
      code: "SWY_ERR_STREAM_INTERRUPTED",
    });
    const partial = join(directory, `${FILE}.partial`);
    // How much of the cut arrives depends on socket buffers; some of it, never all.
    const kept = statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(model.length);
    expect(existsSync(join(directory, FILE))).toBe(false);

    const result = await pullModel({ source: "hf:test/tiny-GGUF:Q8_0", modelsDir: directory, endpoint });
    expect(state.rangeRequests).toEqual([`bytes=${kept}-`]);
    expect(result.resumedFrom).toBe(kept);
    expect(result.entry.sha256).toBe(digest);
    expect(readFileSync(join(directory, FILE)).equals(model)).toBe(true);
    expect(existsSync(partial)).toBe(false);
    expect(result.summary.architecture).toBe("llama");
    expect(await findPulledFile(directory, "hf:test/tiny-GGUF:Q8_0")).toBe(join(directory, FILE));
    expect((await listStoredModels(directory)).map((item) => [item.file, item.source])).toEqual([[FILE, "hf:test/tiny-GGUF:Q8_0"]]);
  });

  it("rejects a file whose checksum does not match and leaves nothing behind", async () => {
    state.advertisedSha = "ab".repeat(32);
    await expect(pullModel({ source: "hf:test/tiny-GGUF:Q8_0", modelsDir: directory, endpoint })).rejects.toThrow(/Checksum mismatch/);
    expect(existsSync(join(directory, FILE))).toBe(false);
    expect(existsSync(join(directory, `${FILE}.partial`))).toBe(false);
  });

  it("pulls a plain URL with a given sha256, and refuses a wrong one", async () => {
    await expect(pullModel({ source: `${endpoint}/plain/model.gguf`, modelsDir: directory, sha256: "cd".repeat(32) })).rejects.toThrow(/Checksum mismatch/);
    const result = await pullModel({ source: `${endpoint}/plain/model.gguf`, modelsDir: directory, sha256: digest.toUpperCase() });
    expect(result.path).toBe(join(directory, "model.gguf"));
  });

  it("names the available files when a quantisation is not in the repository", async () => {
    await expect(pullModel({ source: "hf:test/tiny-GGUF:Q2_K", modelsDir: directory, endpoint })).rejects.toThrow(/no single-file GGUF for Q2_K.*tiny-model-Q8_0\.gguf/);
  });

  it("reports a file the host does not serve", async () => {
    await expect(pullModel({ source: "hf:test/tiny-GGUF/tiny-model-Q4_K_M.gguf", modelsDir: directory, endpoint })).rejects.toMatchObject({
      code: "SWY_ERR_UPSTREAM_NOT_FOUND",
    });
  });

  it("removes a download that is not a usable GGUF", async () => {
    await expect(pullModel({ source: `${endpoint}/plain/bad.gguf`, modelsDir: directory })).rejects.toThrow(/bad\.gguf' is not a usable GGUF model/);
    expect(existsSync(join(directory, "bad.gguf"))).toBe(false);
  });
});

describe("model sources", () => {
  it("parses hf: URIs and URLs", () => {
    expect(parseModelSource("hf:HuggingFaceTB/SmolLM2-360M-Instruct-GGUF:Q8_0")).toEqual({
      kind: "hf",
      repository: "HuggingFaceTB/SmolLM2-360M-Instruct-GGUF",
      revision: "main",
      quant: "Q8_0",
      file: undefined,
    });
    expect(parseModelSource("hf:owner/repo@v2/sub/model.gguf")).toMatchObject({ repository: "owner/repo", revision: "v2", file: "sub/model.gguf" });
    expect(parseModelSource("https://example.com/m.gguf")).toEqual({ kind: "url", url: "https://example.com/m.gguf" });
    expect(() => parseModelSource("owner/repo")).toThrow(/hf:owner\/repo:quant/);
    expect(() => parseModelSource("hf:owner/repo/../../etc/passwd.gguf")).toThrow(/\.gguf path/);
  });
});
