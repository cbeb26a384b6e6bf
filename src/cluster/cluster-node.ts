/**
 * What makes one process a node among many: its name, the change bus it hears the others on, and
 * the blob store they share. With SQLite all three are local (one node); with PostgreSQL the bus is
 * LISTEN/NOTIFY and blobs live in the database (docs/cluster.md).
 */
import type { ConfigFile } from "../config/schema.js";
import type { Logger } from "../observability/logger.js";
import type { BlobStore } from "../storage/blobs/blob-store.js";
import { createBlobStore } from "../storage/blobs/create-blobs.js";
import type { Storage } from "../storage/database.js";
import type { ChangeBus } from "./change-bus.js";
import { createChangeBus } from "./create-bus.js";
import { createNodeId } from "./node-id.js";

export interface ClusterNode {
  readonly nodeId: string;
  readonly bus: ChangeBus;
  readonly blobs: BlobStore;
  close(): Promise<void>;
}

export async function createClusterNode(options: { config: ConfigFile; env: NodeJS.ProcessEnv; storage: Storage; logger: Logger }): Promise<ClusterNode> {
  const nodeId = createNodeId();
  const bus = await createChangeBus({
    storage: options.storage,
    databaseUrl: options.env.DATABASE_URL || options.config.database.url,
    reconcileMs: options.config.cluster.reconcile_ms,
    logger: options.logger,
  });
  return { nodeId, bus, blobs: createBlobStore(options.storage, options.config.server.data_dir), close: () => bus.close() };
}
