import type { BuiltDataset, FlywheelScope } from "./flywheel-types";

/**
 * What the page remembers in this browser between visits, per project: the log query and the last dataset built.
 * The API lists jobs, evaluations and promotions, but no "datasets built from the log" (they are plain files), so
 * without this a reload would lose which held-out file the evaluation step uses.
 */
interface Remembered {
  query?: Omit<FlywheelScope, "projectId" | "global">;
  dataset?: BuiltDataset;
}

const STORAGE = "switchyard.flywheel";

function readAll(): Record<string, Remembered> {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE) ?? "{}") as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, Remembered>) : {};
  } catch {
    return {};
  }
}

export function recall(projectId: string): Remembered {
  return readAll()[projectId] ?? {};
}

export function remember(projectId: string, change: Remembered): void {
  const all = readAll();
  all[projectId] = { ...all[projectId], ...change };
  localStorage.setItem(STORAGE, JSON.stringify(all));
}

/** The scope for a project: its remembered query over the defaults. */
export function scopeFor(projectId: string, global: boolean, defaults: Omit<FlywheelScope, "projectId" | "global">): FlywheelScope {
  return { ...defaults, ...recall(projectId).query, projectId, global };
}
