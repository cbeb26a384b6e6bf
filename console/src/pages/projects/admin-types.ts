/** The admin API's project and key objects, as `/admin/projects` and `/admin/keys` answer them. */
export interface Budgets {
  daily_usd: number | null;
  weekly_usd: number | null;
  monthly_usd: number | null;
}

export interface Limits {
  budgets: Budgets;
  rpm: number | null;
  tpm: number | null;
}

export interface Project extends Limits {
  id: string;
  name: string;
  created_at: number | null;
}

export type KeyRole = "admin" | "member" | "viewer";

export interface VirtualKey extends Limits {
  id: string;
  project_id: string;
  name: string | null;
  prefix: string;
  role: KeyRole;
  models: string[] | null;
  max_parallel: number | null;
  created_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

/** Spend in USD per budget window (UTC day, week from Monday, month). */
export interface Spend {
  day: number;
  week: number;
  month: number;
}

export const windows: Array<{ budget: keyof Budgets; spend: keyof Spend; label: string }> = [
  { budget: "daily_usd", spend: "day", label: "Today" },
  { budget: "weekly_usd", spend: "week", label: "This week" },
  { budget: "monthly_usd", spend: "month", label: "This month" },
];
