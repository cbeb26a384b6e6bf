import { createHash } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HubFile {
  /** `owner/name` of the repository. */
  repository: string;
  file: string;
  body: Buffer;
  /** The sha256 the tree API publishes (defaults to the body's own). */
  advertisedSha256?: string;
}

/** What the next download answer does: stop after `bytes` and drop the connection, or send `bytes` and wait for `release`. */
export type DownloadPlan = { kind: "cut"; bytes: number } | { kind: "hold"; bytes: number; release: Promise<void> };

export interface ModelHub {
  endpoint: string;
  /** Range headers of download requests, in order. */
  ranges: Array<string | undefined>;
  treeRequests: number;
  /** Plans for the next download answers, used in order; an answer with no plan sends the whole rest. */
  plans: DownloadPlan[];
  close(): Promise<void>;
}

/**
 * A Hugging Face look-alike on 127.0.0.1: the tree API (with LFS sha256) and `resolve/main/` downloads
 * with Range support, as `models pull` and the background download use them.
 */
export async function startModelHub(files: HubFile[]): Promise<ModelHub> {
  const hub = { ranges: [] as Array<string | undefined>, treeRequests: 0, plans: [] as DownloadPlan[] };
  const server = createServer((request, response) => {
    const url = request.url ?? "";
    for (const entry of files) {
      if (url.startsWith(`/api/models/${entry.repository}/tree/main`)) {
        hub.treeRequests++;
        const sha256 = entry.advertisedSha256 ?? createHash("sha256").update(entry.body).digest("hex");
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify([{ type: "file", path: entry.file, size: entry.body.length, lfs: { oid: sha256, size: entry.body.length } }]));
        return;
      }
      if (url === `/${entry.repository}/resolve/main/${entry.file}`) {
        void serveFile(entry.body, request.headers.range, response, hub);
        return;
      }
    }
    response.writeHead(404).end();
  });
  // Busy machines reset idle keep-alive sockets; a held download must not be cut by that.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(hub, {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

async function serveFile(model: Buffer, range: string | undefined, response: ServerResponse, hub: { ranges: Array<string | undefined>; plans: DownloadPlan[] }): Promise<void> {
  hub.ranges.push(range);
  const start = range ? Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0) : 0;
  if (range) response.writeHead(206, { "content-range": `bytes ${start}-${model.length - 1}/${model.length}`, "content-length": model.length - start });
  else response.writeHead(200, { "content-length": model.length });
  const body = model.subarray(start);
  const plan = hub.plans.shift();
  if (!plan) {
    response.end(body);
    return;
  }
  await new Promise<void>((resolve) => response.write(body.subarray(0, plan.bytes), () => resolve()));
  if (plan.kind === "cut") {
    setTimeout(() => response.destroy(), 20);
    return;
  }
  await plan.release;
  if (!response.destroyed) response.end(body.subarray(plan.bytes));
}
