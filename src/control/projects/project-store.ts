import type { Kysely, Selectable } from "kysely";
import { SwitchyardError } from "../../core/errors.js";
import { createId } from "../../core/ids.js";
import type { Database } from "../../storage/database.js";
import { limitsFromRow, type Limits } from "../budgets.js";
import type { ProjectTable } from "../tables.js";

export interface Project {
  id: string;
  name: string;
  limits: Limits;
  metadata: Record<string, unknown>;
  createdAt: number;
}

export interface ProjectInput {
  name?: string;
  limits?: Partial<Record<keyof Limits, number | null>>;
  metadata?: Record<string, unknown>;
}

function toProject(row: Selectable<ProjectTable>): Project {
  return {
    id: row.id,
    name: row.name,
    limits: limitsFromRow(row),
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

/** Limit fields as columns; `null` clears a limit, undefined leaves it. */
export function limitColumns(limits: ProjectInput["limits"] = {}) {
  const columns: Partial<Record<"budget_daily_usd" | "budget_weekly_usd" | "budget_monthly_usd" | "rpm" | "tpm", number | null>> = {};
  if (limits.budgetDailyUsd !== undefined) columns.budget_daily_usd = limits.budgetDailyUsd;
  if (limits.budgetWeeklyUsd !== undefined) columns.budget_weekly_usd = limits.budgetWeeklyUsd;
  if (limits.budgetMonthlyUsd !== undefined) columns.budget_monthly_usd = limits.budgetMonthlyUsd;
  if (limits.rpm !== undefined) columns.rpm = limits.rpm;
  if (limits.tpm !== undefined) columns.tpm = limits.tpm;
  return columns;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export class ProjectStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: ProjectInput & { name: string }): Promise<Project> {
    const row = {
      id: createId("prj_", 20),
      name: input.name,
      budget_daily_usd: null,
      budget_weekly_usd: null,
      budget_monthly_usd: null,
      rpm: null,
      tpm: null,
      ...limitColumns(input.limits),
      metadata: JSON.stringify(input.metadata ?? {}),
      created_at: Date.now(),
    };
    try {
      await this.db.insertInto("projects").values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new SwitchyardError("SWY_ERR_CONFLICT", `A project named '${input.name}' already exists.`, { param: "name" });
      throw error;
    }
    return toProject(row);
  }

  async list(): Promise<Project[]> {
    const rows = await this.db.selectFrom("projects").selectAll().orderBy("created_at").execute();
    return rows.map(toProject);
  }

  async find(id: string): Promise<Project | undefined> {
    const row = await this.db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toProject(row);
  }

  async get(id: string): Promise<Project> {
    const project = await this.find(id);
    if (!project) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No project with id '${id}'.`);
    return project;
  }

  async update(id: string, input: ProjectInput): Promise<Project> {
    const changes = {
      ...limitColumns(input.limits),
      ...(input.name !== undefined && { name: input.name }),
      ...(input.metadata !== undefined && { metadata: JSON.stringify(input.metadata) }),
    };
    if (Object.keys(changes).length > 0) {
      try {
        const result = await this.db.updateTable("projects").set(changes).where("id", "=", id).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No project with id '${id}'.`);
      } catch (error) {
        if (isUniqueViolation(error)) throw new SwitchyardError("SWY_ERR_CONFLICT", `A project named '${input.name}' already exists.`, { param: "name" });
        throw error;
      }
    }
    return this.get(id);
  }

  /** Deletes the project and (by cascade) its keys; usage rows stay for accounting. */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom("virtual_keys").where("project_id", "=", id).execute();
    const result = await this.db.deleteFrom("projects").where("id", "=", id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No project with id '${id}'.`);
  }
}
