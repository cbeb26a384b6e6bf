import type { Kysely, Selectable } from "kysely";
import { SwitchyardError } from "../../core/errors.js";
import { createId } from "../../core/ids.js";
import type { Database } from "../../storage/database.js";
import type { KeyRole } from "../../gateway/context.js";
import { limitsFromRow, type Limits } from "../budgets.js";
import { limitColumns } from "../projects/project-store.js";
import type { VirtualKeyTable } from "../tables.js";
import { displayPrefix, generateKeySecret, hashKeySecret } from "./key-secret.js";

export interface VirtualKey {
  id: string;
  projectId: string;
  name: string;
  prefix: string;
  role: KeyRole;
  allowedModels?: string[];
  limits: Limits;
  maxParallel?: number;
  metadata: Record<string, unknown>;
  tags: string[];
  createdAt: number;
  expiresAt?: number;
  revokedAt?: number;
}

export interface KeyInput {
  name?: string;
  role?: KeyRole;
  allowedModels?: string[] | null;
  limits?: Partial<Record<keyof Limits, number | null>>;
  maxParallel?: number | null;
  metadata?: Record<string, unknown>;
  tags?: string[];
  expiresAt?: number | null;
}

export function toVirtualKey(row: Selectable<VirtualKeyTable>): VirtualKey {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    prefix: row.key_prefix,
    role: keyRole(row.role),
    allowedModels: row.allowed_models === null ? undefined : (JSON.parse(row.allowed_models) as string[]),
    limits: limitsFromRow(row),
    maxParallel: row.max_parallel ?? undefined,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
    expiresAt: row.expires_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  };
}

const ROLES: readonly KeyRole[] = ["admin", "member", "viewer"];

function keyRole(value: string): KeyRole {
  return (ROLES as readonly string[]).includes(value) ? (value as KeyRole) : "member";
}

function columns(input: KeyInput) {
  return {
    ...limitColumns(input.limits),
    ...(input.name !== undefined && { name: input.name }),
    ...(input.role !== undefined && { role: input.role }),
    ...(input.allowedModels !== undefined && { allowed_models: input.allowedModels === null ? null : JSON.stringify(input.allowedModels) }),
    ...(input.maxParallel !== undefined && { max_parallel: input.maxParallel }),
    ...(input.metadata !== undefined && { metadata: JSON.stringify(input.metadata) }),
    ...(input.tags !== undefined && { tags: JSON.stringify(input.tags) }),
    ...(input.expiresAt !== undefined && { expires_at: input.expiresAt }),
  };
}

export class KeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a key; the secret is returned here once and never again. */
  async create(projectId: string, input: KeyInput): Promise<{ key: VirtualKey; secret: string }> {
    const project = await this.db.selectFrom("projects").select("id").where("id", "=", projectId).executeTakeFirst();
    if (!project) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `No project with id '${projectId}'.`, { param: "project_id" });
    const secret = generateKeySecret();
    const row: Selectable<VirtualKeyTable> = {
      id: createId("key_", 20),
      project_id: projectId,
      name: "",
      key_hash: hashKeySecret(secret),
      key_prefix: displayPrefix(secret),
      allowed_models: null,
      budget_daily_usd: null,
      budget_weekly_usd: null,
      budget_monthly_usd: null,
      rpm: null,
      tpm: null,
      max_parallel: null,
      metadata: "{}",
      tags: "[]",
      created_at: Date.now(),
      expires_at: null,
      revoked_at: null,
      role: "member",
      ...columns(input),
    };
    await this.db.insertInto("virtual_keys").values(row).execute();
    return { key: toVirtualKey(row), secret };
  }

  async list(projectId?: string): Promise<VirtualKey[]> {
    let query = this.db.selectFrom("virtual_keys").selectAll().orderBy("created_at");
    if (projectId !== undefined) query = query.where("project_id", "=", projectId);
    return (await query.execute()).map(toVirtualKey);
  }

  async get(id: string): Promise<VirtualKey> {
    const row = await this.db.selectFrom("virtual_keys").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No key with id '${id}'.`);
    return toVirtualKey(row);
  }

  async findBySecret(secret: string): Promise<VirtualKey | undefined> {
    const row = await this.db.selectFrom("virtual_keys").selectAll().where("key_hash", "=", hashKeySecret(secret)).executeTakeFirst();
    return row && toVirtualKey(row);
  }

  async update(id: string, input: KeyInput): Promise<VirtualKey> {
    const changes = columns(input);
    if (Object.keys(changes).length > 0) {
      const result = await this.db.updateTable("virtual_keys").set(changes).where("id", "=", id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No key with id '${id}'.`);
    }
    return this.get(id);
  }

  async revoke(id: string): Promise<VirtualKey> {
    const result = await this.db.updateTable("virtual_keys").set({ revoked_at: Date.now() }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) await this.get(id);
    return this.get(id);
  }
}
