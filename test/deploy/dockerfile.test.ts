import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { freePort } from "../helpers/free-port.js";
import { dockerfileUtils, requireTools, run } from "./tools.js";

// There is no container engine here: the image is not built in tests. The Dockerfile is linted,
// its structure checked, and the exact health-check command run against a real gateway.
const dockerfile = readFileSync(new URL("../../deploy/Dockerfile", import.meta.url), "utf8");

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"))
    .map((line) => {
      const space = line.indexOf(" ");
      return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

function stages(list: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const instruction of list) {
    if (instruction.keyword === "FROM") out.push([]);
    out.at(-1)?.push(instruction);
  }
  return out;
}

describe("deploy/Dockerfile", () => {
  beforeAll(() => requireTools());

  it("passes dockerfile-utils' linter with no diagnostics", () => {
    expect(dockerfileUtils().validate(dockerfile)).toEqual([]);
  });

  it("is multi-stage, runs as a non-root user, has a health check and ships only llama.cpp's linux-x64 build", () => {
    const [build, runtime, ...rest] = stages(instructions(dockerfile));
    expect(rest).toEqual([]);
    expect(build![0]!.args).toMatch(/ AS build$/);
    expect(runtime![0]!.args).toMatch(/ AS runtime$/);
    const user = runtime!.filter((instruction) => instruction.keyword === "USER").at(-1);
    expect(user?.args).toBe("node");
    expect(runtime!.some((instruction) => instruction.keyword === "HEALTHCHECK" && instruction.args.includes("/health"))).toBe(true);
    // The runtime stage installs nothing: everything comes from the build stage.
    expect(runtime!.filter((instruction) => instruction.keyword === "COPY").every((instruction) => instruction.args.startsWith("--from=build"))).toBe(true);
    const prune = build!.find((instruction) => instruction.keyword === "RUN" && instruction.args.includes("npm ci"))!.args;
    expect(prune).toContain("npm prune --omit=dev");
    expect(prune).toContain("! -name linux-x64");
    expect(prune).toContain("test -d node_modules/@node-llama-cpp/linux-x64/bins");
  });

  it("copies what the build makes: bin/switchyard.js runs dist/cli/main.js, the console is console/dist", () => {
    expect(readFileSync(new URL("../../bin/switchyard.js", import.meta.url), "utf8")).toContain("../dist/cli/main.js");
    expect(JSON.parse(readFileSync(new URL("../../tsconfig.build.json", import.meta.url), "utf8")).compilerOptions.outDir).toBe("dist");
    expect(dockerfile).toContain("COPY --from=build --chown=root:root /src/console/dist ./console/dist");
  });

  describe("the HEALTHCHECK command", () => {
    let gateway: RunningGateway;
    const command = () => {
      const line = instructions(dockerfile).find((instruction) => instruction.keyword === "HEALTHCHECK")!.args;
      return JSON.parse(line.slice(line.indexOf("CMD ") + 4)) as string[];
    };

    beforeAll(async () => {
      gateway = await startGateway({});
    });
    afterAll(async () => gateway?.close());

    it("exits 0 against a running gateway and 1 when nothing answers", async () => {
      const [node, ...args] = command();
      expect(node).toBe("node");
      const port = (gateway.server.server.address() as AddressInfo).port;
      const healthy = await run(process.execPath, args, { ...process.env, SWITCHYARD_PORT: String(port) });
      expect(healthy.code).toBe(0);
      const down = await run(process.execPath, args, { ...process.env, SWITCHYARD_PORT: String(await freePort()) });
      expect(down.code).toBe(1);
    });
  });
});
