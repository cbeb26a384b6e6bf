import { z } from "zod";

/** The `responses:` config section (`/v1/responses`). Everything has a default, so it may be absent. */
export const responsesConfigSchema = z
  .object({
    /** Days a stored response (and the conversation a `previous_response_id` continues) is kept; 0 keeps it until deleted. */
    retention_days: z.number().min(0).default(30),
  })
  .strict();

export type ResponsesConfig = z.infer<typeof responsesConfigSchema>;
