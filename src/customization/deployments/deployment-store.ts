/**
 * Deployments in the database, with an in-memory copy of the active versions so the request path
 * never queries: saving a spec adds a version and activates it; rollback re-activates an older one.
 * Each deployment belongs to a project (`project_id`); one from the config file belongs to none and
 * every project may call it. Names are one namespace: they are public model names in one catalog.
 */
import { SwitchyardError } from "../../core/errors.js";
import type { Storage } from "../../storage/database.js";
import { deploymentSpecSchema, type DeploymentSpec } from "./spec.js";

export interface DeploymentVersion {
  name: string;
  version: number;
  spec: DeploymentSpec;
  source: "config" | "api";
  created_at: number;
}

/** The active version of a deployment and its owner (null: from the config file, shared by every project). */
export interface Deployment extends DeploymentVersion {
  project_id: string | null;
}

interface VersionTable {
  name: string;
  version: number;
  spec: string;
  source: string;
  created_at: number;
}

declare module "../../storage/database.js" {
  interface Database {
    deployment_versions: VersionTable;
    deployments: { name: string; active_version: number; updated_at: number; project_id: string | null };
  }
}

function toVersion(row: VersionTable): DeploymentVersion {
  return {
    name: row.name,
    version: Number(row.version),
    spec: deploymentSpecSchema.parse(JSON.parse(row.spec)),
    source: row.source === "config" ? "config" : "api",
    created_at: Number(row.created_at),
  };
}

/** Whether a caller acting for `projectId` (undefined: the master key, every project) may see a deployment. */
export function deploymentVisibleTo(deployment: Deployment, projectId: string | undefined): boolean {
  return deployment.project_id === null || projectId === undefined || deployment.project_id === projectId;
}

export class DeploymentStore {
  private readonly active = new Map<string, Deployment>();

  constructor(private readonly storage: Storage) {}

  async load(): Promise<void> {
    const rows = await this.storage.db
      .selectFrom("deployments")
      .innerJoin("deployment_versions", (join) =>
        join.onRef("deployment_versions.name", "=", "deployments.name").onRef("deployment_versions.version", "=", "deployments.active_version"),
      )
      .select(["deployment_versions.name", "deployment_versions.version", "deployment_versions.spec", "deployment_versions.source", "deployment_versions.created_at", "deployments.project_id"])
      .execute();
    this.active.clear();
    for (const row of rows) this.active.set(row.name, { ...toVersion(row), project_id: row.project_id });
  }

  /** The active version, whoever owns it (request path: memory only). */
  get(name: string): Deployment | undefined {
    return this.active.get(name);
  }

  /** The active version if a caller acting for `projectId` may use it; another project's is not there. */
  visible(name: string, projectId: string | undefined): Deployment | undefined {
    const deployment = this.active.get(name);
    return deployment && deploymentVisibleTo(deployment, projectId) ? deployment : undefined;
  }

  names(): string[] {
    return [...this.active.keys()];
  }

  /** Every deployment, or those a project owns (an admin key administers its own project's only). */
  list(projectId?: string): Deployment[] {
    return [...this.active.values()].filter((deployment) => projectId === undefined || deployment.project_id === projectId);
  }

  async versions(name: string): Promise<DeploymentVersion[]> {
    const rows = await this.storage.db.selectFrom("deployment_versions").selectAll().where("name", "=", name).orderBy("version", "asc").execute();
    return rows.map(toVersion);
  }

  /**
   * Saves a new version and activates it, owned by `projectId` (null: shared, from the config file);
   * an unchanged spec keeps the current version.
   */
  async save(name: string, spec: DeploymentSpec, source: "config" | "api", projectId: string | null): Promise<Deployment> {
    const current = this.active.get(name);
    if (current && JSON.stringify(current.spec) === JSON.stringify(spec)) {
      if (current.project_id === projectId) return current;
      await this.storage.db.updateTable("deployments").set({ project_id: projectId, updated_at: Date.now() }).where("name", "=", name).execute();
      const moved = { ...current, project_id: projectId };
      this.active.set(name, moved);
      return moved;
    }
    const versions = await this.versions(name);
    const version: Deployment = { name, version: (versions.at(-1)?.version ?? 0) + 1, spec, source, created_at: Date.now(), project_id: projectId };
    await this.storage.db.transaction().execute(async (transaction) => {
      await transaction
        .insertInto("deployment_versions")
        .values({ name, version: version.version, spec: JSON.stringify(spec), source, created_at: version.created_at })
        .execute();
      await transaction.deleteFrom("deployments").where("name", "=", name).execute();
      await transaction.insertInto("deployments").values({ name, active_version: version.version, updated_at: Date.now(), project_id: projectId }).execute();
    });
    this.active.set(name, version);
    return version;
  }

  /** Activates `version`, or the one before the active version when none is given. */
  async rollback(name: string, version?: number): Promise<Deployment> {
    const current = this.active.get(name);
    if (!current) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No deployment '${name}'.`);
    const versions = await this.versions(name);
    const target = version !== undefined ? versions.find((candidate) => candidate.version === version) : [...versions].reverse().find((candidate) => candidate.version < current.version);
    if (!target) {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", version !== undefined ? `Deployment '${name}' has no version ${version}.` : `Deployment '${name}' has no version before ${current.version}.`, { param: "version" });
    }
    await this.storage.db.updateTable("deployments").set({ active_version: target.version, updated_at: Date.now() }).where("name", "=", name).execute();
    const active = { ...target, project_id: current.project_id };
    this.active.set(name, active);
    return active;
  }

  async delete(name: string): Promise<void> {
    if (!this.active.has(name)) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No deployment '${name}'.`);
    await this.storage.db.deleteFrom("deployments").where("name", "=", name).execute();
    await this.storage.db.deleteFrom("deployment_versions").where("name", "=", name).execute();
    this.active.delete(name);
  }
}
