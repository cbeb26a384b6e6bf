/**
 * Deployments in the database, with an in-memory copy of the active versions so the request path
 * never queries: saving a spec adds a version and activates it; rollback re-activates an older one.
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

export interface ActiveDeployment extends DeploymentVersion {
  versions: number[];
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
    deployments: { name: string; active_version: number; updated_at: number };
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

export class DeploymentStore {
  private readonly active = new Map<string, DeploymentVersion>();

  constructor(private readonly storage: Storage) {}

  async load(): Promise<void> {
    const rows = await this.storage.db
      .selectFrom("deployments")
      .innerJoin("deployment_versions", (join) =>
        join.onRef("deployment_versions.name", "=", "deployments.name").onRef("deployment_versions.version", "=", "deployments.active_version"),
      )
      .select(["deployment_versions.name", "deployment_versions.version", "deployment_versions.spec", "deployment_versions.source", "deployment_versions.created_at"])
      .execute();
    this.active.clear();
    for (const row of rows) this.active.set(row.name, toVersion(row));
  }

  /** The active version (request path: memory only). */
  get(name: string): DeploymentVersion | undefined {
    return this.active.get(name);
  }

  names(): string[] {
    return [...this.active.keys()];
  }

  async versions(name: string): Promise<DeploymentVersion[]> {
    const rows = await this.storage.db.selectFrom("deployment_versions").selectAll().where("name", "=", name).orderBy("version", "asc").execute();
    return rows.map(toVersion);
  }

  /** Saves a new version and activates it; an unchanged spec keeps the current version. */
  async save(name: string, spec: DeploymentSpec, source: "config" | "api"): Promise<DeploymentVersion> {
    const current = this.active.get(name);
    if (current && JSON.stringify(current.spec) === JSON.stringify(spec)) return current;
    const versions = await this.versions(name);
    const version: DeploymentVersion = { name, version: (versions.at(-1)?.version ?? 0) + 1, spec, source, created_at: Date.now() };
    await this.storage.db.transaction().execute(async (transaction) => {
      await transaction
        .insertInto("deployment_versions")
        .values({ name, version: version.version, spec: JSON.stringify(spec), source, created_at: version.created_at })
        .execute();
      await transaction.deleteFrom("deployments").where("name", "=", name).execute();
      await transaction.insertInto("deployments").values({ name, active_version: version.version, updated_at: Date.now() }).execute();
    });
    this.active.set(name, version);
    return version;
  }

  /** Activates `version`, or the one before the active version when none is given. */
  async rollback(name: string, version?: number): Promise<DeploymentVersion> {
    const current = this.active.get(name);
    if (!current) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No deployment '${name}'.`);
    const versions = await this.versions(name);
    const target = version !== undefined ? versions.find((candidate) => candidate.version === version) : [...versions].reverse().find((candidate) => candidate.version < current.version);
    if (!target) {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", version !== undefined ? `Deployment '${name}' has no version ${version}.` : `Deployment '${name}' has no version before ${current.version}.`, { param: "version" });
    }
    await this.storage.db.updateTable("deployments").set({ active_version: target.version, updated_at: Date.now() }).where("name", "=", name).execute();
    this.active.set(name, target);
    return target;
  }

  async delete(name: string): Promise<void> {
    if (!this.active.has(name)) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No deployment '${name}'.`);
    await this.storage.db.deleteFrom("deployments").where("name", "=", name).execute();
    await this.storage.db.deleteFrom("deployment_versions").where("name", "=", name).execute();
    this.active.delete(name);
  }
}
