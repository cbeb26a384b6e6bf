/** `/admin/deployments` objects: a named version of a spec, the active one, and its history. */
export interface Variant {
  name: string;
  model: string;
  weight: number;
  system_prompt?: string;
}

export interface DeploymentSpec {
  description?: string;
  model?: string;
  system_prompt?: string;
  variants?: Variant[];
  knowledge_base?: string;
  parameters?: Record<string, unknown>;
}

export interface DeploymentVersion {
  name: string;
  /** The owning project; null for a deployment from the config file (every project may call it). */
  project_id?: string | null;
  version: number;
  spec: DeploymentSpec;
  source: "config" | "api";
  created_at: number;
}

export interface DeploymentDetail extends DeploymentVersion {
  versions: DeploymentVersion[];
}

/** What a version calls: its model, or its variants with their share of traffic. */
export function targetOf(spec: DeploymentSpec): string {
  if (spec.model) return spec.model;
  const variants = spec.variants ?? [];
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0) || 1;
  return variants.map((variant) => `${variant.name} → ${variant.model} (${Math.round((variant.weight / total) * 100)}%)`).join(", ");
}

export const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";
