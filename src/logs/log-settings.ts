import type { Kysely } from "kysely";
import type { ChangeBus } from "../cluster/change-bus.js";
import { changeTopics } from "../cluster/topics.js";
import type { Logger } from "../observability/logger.js";
import type { Database } from "../storage/database.js";
import type { LoggingConfig } from "./config-schema.js";
import "./tables.js";

/** A project's effective logging settings, and where each came from. */
export interface EffectiveLogSettings {
  store_requests: boolean;
  retention_days: number;
  store_unmasked: boolean;
  /** Which fields the project set itself (the rest come from the `logging:` config). */
  overridden: Array<"store_requests" | "retention_days" | "store_unmasked">;
}

export interface LogSettingsPatch {
  store_requests?: boolean | null;
  retention_days?: number | null;
  store_unmasked?: boolean | null;
}

interface Override {
  store_requests: boolean | null;
  retention_days: number | null;
  store_unmasked: boolean | null;
}

/**
 * Per-project logging settings over the `logging:` config. They are read on the request path, so
 * they live in memory: loaded at start, replaced on every change made here, and re-read when the
 * change bus says another node changed them (and on its periodic reconcile).
 */
export class LogSettings {
  private overrides = new Map<string, Override>();
  private unsubscribe: (() => void) | undefined;
  private readonly deployments: ReadonlySet<string>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: LoggingConfig,
    private readonly logger: Logger,
    private readonly bus?: ChangeBus,
  ) {
    this.deployments = new Set(config.deployments);
  }

  async start(): Promise<void> {
    await this.reload();
    this.unsubscribe = this.bus?.subscribe(changeTopics.logSettings, () =>
      this.reload().catch((error: unknown) => this.logger.warn({ err: error }, "logging settings not re-read")),
    );
  }

  stop(): void {
    this.unsubscribe?.();
  }

  async reload(): Promise<void> {
    const rows = await this.db.selectFrom("log_settings").selectAll().execute();
    const next = new Map<string, Override>();
    for (const row of rows) {
      next.set(row.project_id, {
        store_requests: row.store_requests === null ? null : row.store_requests === 1,
        retention_days: row.retention_days === null ? null : Number(row.retention_days),
        store_unmasked: row.store_unmasked === null ? null : row.store_unmasked === 1,
      });
    }
    this.overrides = next;
  }

  /** Whether a request of this project (stored key: "" for none) to this deployment is stored. */
  shouldStore(projectKey: string, deployment: string | undefined): boolean {
    if (deployment !== undefined && this.deployments.has(deployment)) return true;
    return this.effective(projectKey).store_requests;
  }

  effective(projectKey: string): EffectiveLogSettings {
    const own = this.overrides.get(projectKey);
    const overridden: EffectiveLogSettings["overridden"] = [];
    if (own?.store_requests != null) overridden.push("store_requests");
    if (own?.retention_days != null) overridden.push("retention_days");
    if (own?.store_unmasked != null) overridden.push("store_unmasked");
    return {
      store_requests: own?.store_requests ?? this.config.store_requests,
      retention_days: own?.retention_days ?? this.config.retention_days,
      store_unmasked: own?.store_unmasked ?? this.config.store_unmasked,
      overridden,
    };
  }

  /** Projects with their own retention, and the config's default for everyone else. */
  retention(): { byProject: Map<string, number>; fallbackDays: number } {
    const byProject = new Map<string, number>();
    for (const [project, own] of this.overrides) if (own.retention_days !== null) byProject.set(project, own.retention_days);
    return { byProject, fallbackDays: this.config.retention_days };
  }

  /** Changes a project's own settings (null clears one: it inherits again). */
  async update(projectKey: string, patch: LogSettingsPatch): Promise<EffectiveLogSettings> {
    const current = this.overrides.get(projectKey) ?? { store_requests: null, retention_days: null, store_unmasked: null };
    const next: Override = {
      store_requests: patch.store_requests === undefined ? current.store_requests : patch.store_requests,
      retention_days: patch.retention_days === undefined ? current.retention_days : patch.retention_days,
      store_unmasked: patch.store_unmasked === undefined ? current.store_unmasked : patch.store_unmasked,
    };
    const row = {
      project_id: projectKey,
      store_requests: next.store_requests === null ? null : Number(next.store_requests),
      retention_days: next.retention_days,
      store_unmasked: next.store_unmasked === null ? null : Number(next.store_unmasked),
      updated_at: Date.now(),
    };
    await this.db
      .insertInto("log_settings")
      .values(row)
      .onConflict((conflict) =>
        conflict.column("project_id").doUpdateSet({
          store_requests: row.store_requests,
          retention_days: row.retention_days,
          store_unmasked: row.store_unmasked,
          updated_at: row.updated_at,
        }),
      )
      .execute();
    this.overrides.set(projectKey, next);
    await this.bus?.publish(changeTopics.logSettings, projectKey);
    return this.effective(projectKey);
  }
}
