import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Where `.ci/install-deploy-tools` puts helm and the npm validators. */
export const TOOLS_DIR = process.env.SWITCHYARD_TOOLS_DIR ?? join(homedir(), ".cache", "switchyard-deploy-tools");
export const HELM = join(TOOLS_DIR, "bin", "helm");
const NODE_TOOLS = join(TOOLS_DIR, "node");

/** The deploy checks run real tools; without them the suite fails and says how to install them. */
export function requireTools(): void {
  const missing = [HELM, join(NODE_TOOLS, "node_modules", "kubernetes-models"), join(NODE_TOOLS, "node_modules", "dockerfile-utils")].filter((path) => !existsSync(path));
  if (missing.length > 0) throw new Error(`deploy validation tools missing (${missing.join(", ")}): run \`bash .ci/install-deploy-tools\``);
}

export interface Diagnostic {
  message: string;
  severity: number;
  instructionLine?: number;
}

export function dockerfileUtils(): { validate(content: string): Diagnostic[] } {
  return createRequire(join(NODE_TOOLS, "package.json"))("dockerfile-utils") as { validate(content: string): Diagnostic[] };
}

interface KubernetesModel {
  validate(): void;
}

/** The kubernetes-models class for an object's apiVersion and kind (`apps/v1` `Deployment` -> kubernetes-models/apps/v1/Deployment). */
export async function kubernetesModel(object: { apiVersion: string; kind: string }): Promise<new (data: unknown) => KubernetesModel> {
  const file = join(NODE_TOOLS, "node_modules", "kubernetes-models", ...object.apiVersion.split("/"), `${object.kind}.js`);
  if (!existsSync(file)) throw new Error(`no Kubernetes schema for ${object.apiVersion} ${object.kind}`);
  const loaded = (await import(pathToFileURL(file).href)) as Record<string, new (data: unknown) => KubernetesModel>;
  return loaded[object.kind]!;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { env, cwd, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
