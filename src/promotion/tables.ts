/** Row types of the promotions area (migration 021-promotions). */
export interface PromotionTable {
  id: string;
  project_id: string;
  /** The key that asked for the promotion. */
  key_id: string;
  /** The model promoted: an `ft:` model or any configured model. */
  candidate: string;
  /** The `type: auto` model whose weak tier the candidate becomes, or null. */
  auto_model: string | null;
  /** The deployment the candidate joins as a canary variant, or null. */
  deployment: string | null;
  /** evaluating -> promoted | refused | failed; promoted -> rolled_back. */
  status: string;
  /** The request as accepted (JSON, defaults filled in). */
  request: string;
  /** Per-model figures on the held-out set (JSON), once evaluated. */
  evaluation: string | null;
  /** The gate's checks and whether each passed (JSON). */
  gate: string | null;
  /** What the promotion changed and what it replaced, so a rollback can restore it (JSON). */
  applied: string | null;
  /** Why the promotion was refused or failed (JSON: message and figures). */
  refusal: string | null;
  /** When, why and by whom it was rolled back, with the live figures (JSON). */
  rollback: string | null;
  /** Progress, oldest first (JSON: [{at, step, message}]). */
  events: string;
  created_at: number;
  updated_at: number;
  promoted_at: number | null;
  /** The node evaluating it, and until when (epoch ms); another node fails it once the lease is gone. */
  lease_owner: string | null;
  lease_until: number | null;
}

declare module "../storage/database.js" {
  interface Database {
    promotions: PromotionTable;
  }
}
