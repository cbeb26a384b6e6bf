import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { routerCommand } from "../../src/cli/router-command.js";
import { syntheticRows } from "./synthetic-data.js";

let directory: string;
let stdout: string;
let stderr: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "swy-router-cli-"));
  const toJsonl = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).join("\n") + "\n";
  writeFileSync(join(directory, "train.jsonl"), toJsonl(syntheticRows(200, 1)));
  writeFileSync(join(directory, "test.jsonl"), toJsonl(syntheticRows(150, 2)));
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<number> {
  stdout = "";
  stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return await routerCommand(argv);
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("switchyard router train / eval", () => {
  it("trains a router file, then evaluates it as JSON with the curve and an SVG plot", async () => {
    const out = join(directory, "ROUTER.json");
    expect(await run("train", "--data", join(directory, "train.jsonl"), "--strong", "strong", "--weak", "weak", "--out", out, "--target-strong", "0.35", "--folds", "3")).toBe(0);
    expect(stderr).toMatch(/trained on 200 rows/);
    const file = JSON.parse(readFileSync(out, "utf8"));
    expect(file).toMatchObject({ format: "switchyard-router", strong: "strong", weak: "weak", targetStrong: 0.35 });

    const plot = join(directory, "curve.svg");
    expect(await run("eval", "--router", out, "--data", join(directory, "test.jsonl"), "--json", "--plot", plot)).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(expect.arrayContaining(["apgr", "cpt50", "cpt80", "curve"]));
    expect(result.curve).toHaveLength(101);
    expect(result.curve[0][0]).toBe(0);
    expect(result.apgr).toBeGreaterThan(result.baselines.random.apgr);
    expect(readFileSync(plot, "utf8")).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
  });

  it("sets the share from --target-quality", async () => {
    const out = join(directory, "ROUTER3.json");
    expect(await run("train", "--data", join(directory, "train.jsonl"), "--strong", "strong", "--weak", "weak", "--out", out, "--target-quality", "0.9", "--folds", "3")).toBe(0);
    expect(stderr).toMatch(/% strong for 90% of the quality gain\)/);
    const file = JSON.parse(readFileSync(out, "utf8"));
    expect(file.targetQuality).toBe(0.9);
    expect(file.targetStrong).toBeGreaterThan(0);
    expect(file.targetStrong).toBeLessThan(1);
  });

  it("prints a readable table with the baselines", async () => {
    const out = join(directory, "ROUTER2.json");
    await run("train", "--data", join(directory, "train.jsonl"), "--strong", "strong", "--weak", "weak", "--out", out, "--folds", "2", "--quiet");
    expect(await run("eval", "--router", out, "--data", join(directory, "test.jsonl"))).toBe(0);
    expect(stdout).toMatch(/router\s+0\.\d{3}/);
    expect(stdout).toMatch(/longer prompt/);
    expect(stdout).toMatch(/random/);
    expect(stdout).toMatch(/CPT\(50%\)/);
  });

  it("explains missing arguments and bad values", async () => {
    expect(await run("train", "--data", "x.jsonl")).toBe(2);
    expect(stderr).toMatch(/--strong, --weak and --out are required|are required/);
    expect(await run("train", "--data", "x", "--strong", "a", "--weak", "b", "--out", "o", "--target-strong", "2")).toBe(2);
    expect(stderr).toMatch(/--target-strong must be a number between 0 and 1/);
    expect(await run("train", "--data", "x", "--strong", "a", "--weak", "b", "--out", "o", "--target-quality", "0.9", "--target-strong", "0.3")).toBe(2);
    expect(stderr).toMatch(/not both/);
    expect(await run("eval")).toBe(2);
    expect(await run("nope")).toBe(1);
  });
});
