import { z } from "zod";

/** `promotions:` gated promotion (docs/flywheel.md). */
export const promotionsConfigSchema = z
  .object({
    /** How often each node checks live ratings of promoted candidates (and renews its evaluation leases). */
    monitor_ms: z.number().int().positive().default(15_000),
    /** A node evaluating a promotion holds it this long between renewals; another node then fails it. */
    lease_ms: z.number().int().positive().default(60_000),
  })
  .strict();

export type PromotionsConfig = z.infer<typeof promotionsConfigSchema>;
