import type { Kysely } from "kysely";
import type { Message } from "../core/types.js";
import type { Database } from "../storage/database.js";
import type { StoredInputItem } from "./input-items.js";
import "./tables.js";

export interface StoredResponse {
  id: string;
  response: Record<string, unknown>;
  inputItems: StoredInputItem[];
  conversation: Message[];
}

export interface NewStoredResponse extends StoredResponse {
  projectId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  status: string;
  model: string;
  previousResponseId: string | null;
}

/**
 * Stored responses, always read through the caller's project: another project's id reads exactly
 * like an unknown one. Rows past their retention are invisible before the sweep deletes them.
 */
export class ResponseStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** How long a response is kept, in milliseconds; undefined keeps it until deleted. */
    private readonly retentionMs?: number,
  ) {}

  async save(record: NewStoredResponse): Promise<void> {
    await this.db
      .insertInto("responses")
      .values({
        id: record.id,
        project_id: record.projectId,
        created_at: record.createdAt,
        expires_at: this.retentionMs === undefined ? null : record.createdAt + this.retentionMs,
        status: record.status,
        model: record.model,
        previous_response_id: record.previousResponseId,
        response: JSON.stringify(record.response),
        input_items: JSON.stringify(record.inputItems),
        conversation: JSON.stringify(record.conversation),
      })
      .execute();
  }

  async get(projectId: string, id: string, now = Date.now()): Promise<StoredResponse | undefined> {
    const row = await this.db
      .selectFrom("responses")
      .select(["id", "response", "input_items", "conversation"])
      .where("id", "=", id)
      .where("project_id", "=", projectId)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      response: JSON.parse(row.response) as Record<string, unknown>,
      inputItems: JSON.parse(row.input_items) as StoredInputItem[],
      conversation: JSON.parse(row.conversation) as Message[],
    };
  }

  /** Deletes one of the project's responses; false when it has none by that id. */
  async delete(projectId: string, id: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .deleteFrom("responses")
      .where("id", "=", id)
      .where("project_id", "=", projectId)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Deletes every response past its retention; returns how many went. */
  async purgeExpired(now = Date.now()): Promise<number> {
    const result = await this.db.deleteFrom("responses").where("expires_at", "<=", now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
