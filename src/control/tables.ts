import type { Generated } from "kysely";

export interface ProjectTable {
  id: string;
  name: string;
  budget_daily_usd: number | null;
  budget_weekly_usd: number | null;
  budget_monthly_usd: number | null;
  rpm: number | null;
  tpm: number | null;
  /** JSON object. */
  metadata: Generated<string>;
  created_at: number;
}

export interface VirtualKeyTable {
  id: string;
  project_id: string;
  name: string;
  /** sha256 hex of the key; the key itself is never stored. */
  key_hash: string;
  /** The first characters, so people can tell their keys apart. */
  key_prefix: string;
  /** JSON array of public model names, or null for all. */
  allowed_models: string | null;
  budget_daily_usd: number | null;
  budget_weekly_usd: number | null;
  budget_monthly_usd: number | null;
  rpm: number | null;
  tpm: number | null;
  max_parallel: number | null;
  metadata: Generated<string>;
  tags: Generated<string>;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  /** `admin`, `member` (default) or `viewer`. */
  role: Generated<string>;
}

export interface ProviderCredentialTable {
  name: string;
  provider: string;
  /** AES-256-GCM: base64 of iv | tag | ciphertext. */
  ciphertext: string;
  created_at: number;
  updated_at: number;
}

export interface UsageRecordTable {
  id: string;
  request_id: string;
  /** Epoch milliseconds. */
  created_at: number;
  /** UTC `YYYY-MM-DD`, kept so per-day queries need no date functions (they differ by engine). */
  day: string;
  key_id: string;
  project_id: string | null;
  api: string;
  model: string;
  provider: string | null;
  provider_type: string | null;
  upstream_model: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  /** 1 when the tokens were counted locally because the provider reported none. */
  estimated: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: string;
  http_status: number;
  error_code: string | null;
  stream: number;
  /** JSON of the router's decision, when there was one. */
  router_decision: string | null;
  /** The deployment version and A/B variant that answered (`support@v3:b`), for deployment calls. */
  deployment_variant?: string | null;
}

declare module "../storage/database.js" {
  interface Database {
    projects: ProjectTable;
    virtual_keys: VirtualKeyTable;
    provider_credentials: ProviderCredentialTable;
    usage_records: UsageRecordTable;
  }
}
