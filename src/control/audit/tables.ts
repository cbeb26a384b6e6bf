/** One mutating admin call: who, what, when, and the state before and after (secrets redacted). */
export interface AdminAuditTable {
  id: string;
  at: number;
  key_id: string;
  /** The project the call acted in: the key's own for project admins, else the one it named, if any. */
  project_id: string | null;
  method: string;
  path: string;
  status: number;
  /** JSON, or null when the call created something or the route records no prior state. */
  before: string | null;
  /** JSON of the response body, or null when there was none. */
  after: string | null;
}

declare module "../../storage/database.js" {
  interface Database {
    admin_audit: AdminAuditTable;
  }
}
