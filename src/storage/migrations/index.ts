import type { Migration } from "kysely";
import * as controlPlane from "./001-control-plane.js";
import * as guardrails from "./007-guardrails.js";
import * as customization from "./009-customization.js";
import * as deployments from "./010-deployments.js";
import * as knowledge from "./011-knowledge.js";
import * as routingFeedback from "./012-routing-feedback.js";
import * as tenancy from "./013-tenancy.js";
import * as adminConfig from "./014-admin-config.js";
import * as cluster from "./015-cluster.js";
import * as requestLogs from "./016-request-logs.js";
import * as batches from "./017-batches.js";
import * as responses from "./018-responses.js";
import * as batchLeases from "./019-batch-leases.js";
import * as evaluations from "./020-evaluations.js";
import * as promotions from "./021-promotions.js";
import * as deploymentOwners from "./022-deployment-owners.js";

/**
 * Every migration, keyed by `NNN-<area>` (applied in name order). To add tables for an area:
 * create `NNN-<area>.ts` exporting `up(db)` (and `down(db)`), using only Kysely's schema builder
 * and column types both SQLite and PostgreSQL accept, then add one line here.
 */
export const migrations: Record<string, Migration> = {
  "001-control-plane": controlPlane,
  "007-guardrails": guardrails,
  "009-customization": customization,
  "010-deployments": deployments,
  "011-knowledge": knowledge,
  "012-routing-feedback": routingFeedback,
  "013-tenancy": tenancy,
  "014-admin-config": adminConfig,
  "015-cluster": cluster,
  "016-request-logs": requestLogs,
  "017-batches": batches,
  "018-responses": responses,
  "019-batch-leases": batchLeases,
  "020-evaluations": evaluations,
  "021-promotions": promotions,
  "022-deployment-owners": deploymentOwners,
};
