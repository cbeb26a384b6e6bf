import { hostname } from "node:os";
import { createId } from "../core/ids.js";

/** This process's name in the cluster (lease owner, logs): host, pid and a random part, unique per start. */
export function createNodeId(): string {
  return `${hostname()}-${process.pid}-${createId("", 6)}`;
}
