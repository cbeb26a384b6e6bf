/**
 * Small real models that live beside the repository in ../shared/models/ (not in it: they are data,
 * with their own licences; see that folder's README). Looked up in SWY_SHARED_MODELS, then beside this
 * checkout, then beside the main checkout when this is a git worktree (whose `.git` is a file naming it).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { skipsEnforced } from "../reporters/no-silent-skips.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

function mainCheckout(): string | undefined {
  const dotGit = path.join(ROOT, ".git");
  if (!existsSync(dotGit) || statSync(dotGit).isDirectory()) return undefined;
  // "gitdir: <main>/.git/worktrees/<name>"
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, "utf8"));
  return match ? path.resolve(match[1]!, "..", "..", "..") : undefined;
}

function candidates(file: string): string[] {
  const folders = [process.env.SWY_SHARED_MODELS, path.join(ROOT, "..", "shared", "models")];
  const main = mainCheckout();
  if (main) folders.push(path.join(main, "..", "shared", "models"));
  return folders.filter((folder): folder is string => Boolean(folder)).map((folder) => path.join(folder, file));
}

/**
 * The path of a shared model, or undefined when it is not here. Where every test must run (CI) a missing
 * model is an error, so the suites that need it fail instead of skipping.
 */
export function sharedModel(file: string): string | undefined {
  const found = candidates(file).find((candidate) => existsSync(candidate));
  if (!found && skipsEnforced()) {
    throw new Error(`The shared model ${file} is missing (looked in ${candidates(file).join(", ")}); CI must provide ../shared/models/.`);
  }
  return found;
}
