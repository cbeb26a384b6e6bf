import { z } from "zod";

/** `cluster:` — how nodes sharing PostgreSQL keep their in-memory copies in step (docs/cluster.md). */
export const clusterSchema = z
  .object({
    /**
     * Every node re-reads deployments, fine-tuned models and credentials this often, on top of the
     * change messages, so a message lost in a disconnect heals within this time (0 disables).
     */
    reconcile_ms: z.number().int().min(0).default(15_000),
  })
  .strict();

export type ClusterConfig = z.infer<typeof clusterSchema>;
