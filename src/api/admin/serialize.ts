import type { Limits } from "../../control/budgets.js";
import type { CredentialInfo } from "../../control/credentials/credential-store.js";
import type { VirtualKey } from "../../control/keys/key-store.js";
import type { Project } from "../../control/projects/project-store.js";

const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.floor(ms / 1000));

function limitsOut(limits: Limits) {
  return {
    budgets: {
      daily_usd: limits.budgetDailyUsd ?? null,
      weekly_usd: limits.budgetWeeklyUsd ?? null,
      monthly_usd: limits.budgetMonthlyUsd ?? null,
    },
    rpm: limits.rpm ?? null,
    tpm: limits.tpm ?? null,
  };
}

export function projectOut(project: Project) {
  return { id: project.id, object: "project", name: project.name, ...limitsOut(project.limits), metadata: project.metadata, created_at: seconds(project.createdAt) };
}

export function keyOut(key: VirtualKey) {
  return {
    id: key.id,
    object: "virtual_key",
    project_id: key.projectId,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    models: key.allowedModels ?? null,
    ...limitsOut(key.limits),
    max_parallel: key.maxParallel ?? null,
    metadata: key.metadata,
    tags: key.tags,
    created_at: seconds(key.createdAt),
    expires_at: seconds(key.expiresAt),
    revoked_at: seconds(key.revokedAt),
  };
}

export function credentialOut(credential: CredentialInfo) {
  return {
    name: credential.name,
    object: "provider_credential",
    provider: credential.provider,
    reference: `env:${credential.name}`,
    created_at: seconds(credential.createdAt),
    updated_at: seconds(credential.updatedAt),
  };
}

/** API budget/limit fields -> store input; null clears, absent keeps. */
export function limitsIn(body: {
  budgets?: { daily_usd?: number | null; weekly_usd?: number | null; monthly_usd?: number | null };
  rpm?: number | null;
  tpm?: number | null;
}) {
  return {
    budgetDailyUsd: body.budgets?.daily_usd,
    budgetWeeklyUsd: body.budgets?.weekly_usd,
    budgetMonthlyUsd: body.budgets?.monthly_usd,
    rpm: body.rpm,
    tpm: body.tpm,
  };
}
