import { z } from "zod";

/**
 * Amazon Bedrock (Converse / ConverseStream, InvokeModel for embeddings), signed with SigV4.
 * Credentials: the keys below when set, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
 * else the AWS SDK's default chain (shared config and credentials files with `profile`, SSO, IMDS...).
 */
export const bedrockConfigSchema = z
  .object({
    type: z.literal("bedrock"),
    /** Defaults to AWS_REGION, then AWS_DEFAULT_REGION. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "an AWS region such as us-east-1").optional(),
    access_key_id: z.string().optional().describe("A credential location: env:NAME"),
    secret_access_key: z.string().optional(),
    session_token: z.string().optional(),
    /** A profile of the shared AWS config files, used when no keys are given. */
    profile: z.string().optional(),
    /** Overrides the endpoint (`https://bedrock-runtime.{region}.amazonaws.com`): VPC endpoints, proxies, tests. */
    base_url: z.string().url().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    models: z.array(z.string()).optional(),
  })
  .strict()
  .refine((config) => (config.access_key_id === undefined) === (config.secret_access_key === undefined), {
    message: "access_key_id and secret_access_key go together",
  });

export type BedrockConfig = z.infer<typeof bedrockConfigSchema>;
