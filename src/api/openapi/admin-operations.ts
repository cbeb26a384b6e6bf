import { z } from "zod";
import { auditQuerySchema } from "../../control/audit/audit-routes.js";
import { modelSchema } from "../../config/schema.js";
import { deploymentProjectQuerySchema, deploymentRollbackSchema } from "../../customization/deployments/routes.js";
import { deploymentSpecSchema } from "../../customization/deployments/spec.js";
import { auditQuerySchema as guardrailAuditQuerySchema } from "../../guardrails/admin-routes.js";
import { providerDefinitions } from "../../providers/registry.js";
import { credentialSchema, createKeySchema, createProjectSchema, updateKeySchema, updateProjectSchema, usageQuerySchema } from "../admin/schemas.js";
import * as out from "./admin-responses.js";
import { summaryQuerySchema } from "../../logs/feedback-summary.js";
import { fromLogsSchema } from "../../logs/datasets/dataset-routes.js";
import { routerFileSchema } from "../../routing/auto/router-file.js";
import { logDeleteQuerySchema, logDetailQuerySchema, logListQuerySchema } from "../../logs/log-routes.js";
import { modelHealthQuerySchema } from "../admin/model-health-routes.js";
import { loggingPatchSchema } from "../../logs/settings-routes.js";
import { named, type Operation } from "./operation.js";
import { storedRouterDeletedSchema, storedRouterListSchema, storedRouterSchema } from "../../routing/auto/router-routes.js";
import { usageGroupListSchema, usageRecordListSchema } from "./v1-responses.js";
import * as evaluations from "../../evaluations/api-schemas.js";
import { evaluationListQuerySchema, evaluationQuerySchema, evaluationRowsQuerySchema } from "../../evaluations/routes.js";
import { promotionListQuerySchema, promotionRollbackSchema } from "../../promotion/promotion-routes.js";
import { promotionListSchema, promotionSchema } from "../../promotion/promotion-view.js";
import { promotionRequestSchema } from "../../promotion/request-schema.js";

const ok = (description: string, schema: ReturnType<typeof named>) => ({ 200: { description, schema } });

/** A provider entry: one of the families' own config schemas, exactly as the config file takes it. */
const providerEntrySchema = z.union(providerDefinitions.map((definition) => definition.configSchema) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);

/** The admin API (`/admin/*`): the master key; keys with role admin or viewer for their own project where noted. */
export const adminOperations: Operation[] = [
  { method: "post", path: "/admin/projects", tag: "Admin: projects and keys", summary: "Create a project", auth: "master", body: named("ProjectCreate", createProjectSchema), responses: { 201: { description: "Created", schema: named("Project", out.projectSchema) } } },
  { method: "get", path: "/admin/projects", tag: "Admin: projects and keys", summary: "List projects", auth: "master", responses: ok("Projects", named("ProjectList", out.projectListSchema)) },
  { method: "get", path: "/admin/projects/:id", tag: "Admin: projects and keys", summary: "One project", auth: "master", responses: ok("The project", named("Project", out.projectSchema)) },
  { method: "patch", path: "/admin/projects/:id", tag: "Admin: projects and keys", summary: "Change a project", auth: "master", body: named("ProjectUpdate", updateProjectSchema), responses: ok("The project", named("Project", out.projectSchema)) },
  { method: "delete", path: "/admin/projects/:id", tag: "Admin: projects and keys", summary: "Delete a project and its keys", auth: "master", responses: ok("Deleted", named("DeletedById", out.deletedByIdSchema)) },
  { method: "post", path: "/admin/keys", tag: "Admin: projects and keys", summary: "Create a virtual key (the secret is in this answer only)", auth: "master", body: named("KeyCreate", createKeySchema), responses: { 201: { description: "Created", schema: named("CreatedKey", out.createdKeySchema) } } },
  { method: "get", path: "/admin/keys", tag: "Admin: projects and keys", summary: "List keys", auth: "master", query: z.object({ project_id: z.string().optional() }), responses: ok("Keys", named("VirtualKeyList", out.virtualKeyListSchema)) },
  { method: "get", path: "/admin/keys/:id", tag: "Admin: projects and keys", summary: "One key (never the secret)", auth: "master", responses: ok("The key", named("VirtualKey", out.virtualKeySchema)) },
  { method: "patch", path: "/admin/keys/:id", tag: "Admin: projects and keys", summary: "Change a key", auth: "master", body: named("KeyUpdate", updateKeySchema), responses: ok("The key", named("VirtualKey", out.virtualKeySchema)) },
  { method: "delete", path: "/admin/keys/:id", tag: "Admin: projects and keys", summary: "Revoke a key", auth: "master", responses: ok("The revoked key", named("VirtualKey", out.virtualKeySchema)) },
  { method: "get", path: "/admin/access", tag: "Admin: projects and keys", summary: "What the calling key may do: role (admin or viewer) and scope (global for the master key, else its project)", auth: "master", responses: ok("The caller's access", named("AdminAccess", out.adminAccessSchema)) },
  { method: "put", path: "/admin/credentials/:name", tag: "Admin: providers and models", summary: "Store a provider credential (encrypted; answers env:NAME)", auth: "master", body: named("CredentialPut", credentialSchema), responses: ok("Stored (never the value)", named("Credential", out.credentialSchema)) },
  { method: "get", path: "/admin/credentials", tag: "Admin: providers and models", summary: "List stored credentials", auth: "master", responses: ok("Credentials", named("CredentialList", out.credentialListSchema)) },
  { method: "delete", path: "/admin/credentials/:name", tag: "Admin: providers and models", summary: "Delete a stored credential", auth: "master", responses: ok("Deleted", named("CredentialDeleted", z.looseObject({ name: z.string(), object: z.literal("provider_credential"), deleted: z.literal(true) }))) },
  { method: "get", path: "/admin/providers", tag: "Admin: providers and models", summary: "Providers serving now (file and admin API)", auth: "master", responses: ok("Providers", named("ProviderConfigList", out.providerConfigListSchema)) },
  { method: "get", path: "/admin/providers/:name", tag: "Admin: providers and models", summary: "One provider", auth: "master", responses: ok("The provider", named("ProviderConfig", out.providerConfigSchema)) },
  { method: "put", path: "/admin/providers/:name", tag: "Admin: providers and models", summary: "Add or change a provider; applied at once, stored in the database", auth: "master", body: named("ProviderEntry", providerEntrySchema), responses: ok("The provider, serving", named("ProviderConfig", out.providerConfigSchema)) },
  { method: "delete", path: "/admin/providers/:name", tag: "Admin: providers and models", summary: "Remove a provider added through the API", auth: "master", responses: ok("Removed", named("ConfigEntryRemoved", out.configEntryDeletedSchema)) },
  { method: "get", path: "/admin/models", tag: "Admin: providers and models", summary: "Models configured now (file and admin API)", auth: "master", responses: ok("Models", named("ModelConfigList", out.modelConfigListSchema)) },
  { method: "get", path: "/admin/models/:name", tag: "Admin: providers and models", summary: "One model", auth: "master", responses: ok("The model", named("ModelConfig", out.modelConfigSchema)) },
  { method: "put", path: "/admin/models/:name", tag: "Admin: providers and models", summary: "Add or change a model; applied at once, stored in the database", auth: "master", body: named("ModelEntry", modelSchema), responses: ok("The model, answering", named("ModelConfig", out.modelConfigSchema)) },
  { method: "delete", path: "/admin/models/:name", tag: "Admin: providers and models", summary: "Remove a model added through the API", auth: "master", responses: ok("Removed", named("ConfigEntryRemoved", out.configEntryDeletedSchema)) },
  { method: "post", path: "/admin/config/reload", tag: "Admin: providers and models", summary: "Re-read the config file; a bad file changes nothing (400 with every problem)", auth: "master", responses: ok("Applied", named("ConfigReload", out.configReloadSchema)) },
  { method: "get", path: "/admin/usage", tag: "Admin: usage and audit", summary: "Usage grouped", auth: "master", query: usageQuerySchema, responses: ok("Groups", named("UsageGroupList", usageGroupListSchema)) },
  { method: "get", path: "/admin/usage/records", tag: "Admin: usage and audit", summary: "Newest usage rows", auth: "master", query: usageQuerySchema, responses: ok("Rows", named("UsageRecordList", usageRecordListSchema)) },
  { method: "get", path: "/admin/audit", tag: "Admin: usage and audit", summary: "Admin API audit log", auth: "master", query: auditQuerySchema, responses: ok("Entries", named("AuditList", out.auditListSchema)) },
  { method: "get", path: "/admin/guardrails/audit", tag: "Admin: usage and audit", summary: "Guardrail findings (when guardrails are configured)", auth: "master", query: guardrailAuditQuerySchema, responses: ok("Entries", named("AuditList", out.auditListSchema)) },
  { method: "get", path: "/admin/deployments", tag: "Admin: deployments", summary: "List deployments (a project key: its project's)", auth: "master", query: deploymentProjectQuerySchema, responses: ok("Deployments", named("DeploymentList", out.deploymentListSchema)) },
  { method: "get", path: "/admin/deployments/:name", tag: "Admin: deployments", summary: "One deployment with its versions", auth: "master", responses: ok("The deployment", named("Deployment", out.deploymentSchema)) },
  { method: "put", path: "/admin/deployments/:name", tag: "Admin: deployments", summary: "Save a deployment (a new version); a new one belongs to the key's project, or `project_id` for the master key", auth: "master", query: deploymentProjectQuerySchema, body: named("DeploymentSpec", deploymentSpecSchema), responses: ok("The active version", named("Deployment", out.deploymentSchema)) },
  { method: "post", path: "/admin/deployments/:name/rollback", tag: "Admin: deployments", summary: "Re-activate an older version", auth: "master", body: named("DeploymentRollback", deploymentRollbackSchema), responses: ok("The active version", named("Deployment", out.deploymentSchema)) },
  { method: "delete", path: "/admin/deployments/:name", tag: "Admin: deployments", summary: "Delete a deployment", auth: "master", responses: ok("Deleted", named("NameDeleted", z.looseObject({ name: z.string(), deleted: z.literal(true) }))) },
  { method: "get", path: "/admin/logs", tag: "Admin: request log", summary: "Stored requests (opt-in per project), filtered and searched", auth: "master", query: logListQuerySchema, responses: ok("Requests", named("RequestLogList", out.requestLogListSchema)) },
  { method: "get", path: "/admin/logs/:request_id", tag: "Admin: request log", summary: "One stored request, masked or (where allowed) unmasked", auth: "master", query: logDetailQuerySchema, responses: ok("The request", named("RequestLog", out.requestLogSchema)) },
  { method: "delete", path: "/admin/logs/:request_id", tag: "Admin: request log", summary: "Delete one stored request", auth: "master", query: logDeleteQuerySchema, responses: ok("Deleted", named("RequestLogDeleted", out.requestLogDeletedSchema)) },
  { method: "delete", path: "/admin/logs", tag: "Admin: request log", summary: "Delete a project's stored requests", auth: "master", query: logDeleteQuerySchema, responses: ok("Deleted", named("RequestLogDeleted", out.requestLogDeletedSchema)) },
  { method: "get", path: "/admin/projects/:id/logging", tag: "Admin: request log", summary: "A project's logging settings", auth: "master", responses: ok("Settings", named("LoggingSettings", out.loggingSettingsSchema)) },
  { method: "put", path: "/admin/projects/:id/logging", tag: "Admin: request log", summary: "Change a project's logging settings (null clears)", auth: "master", body: named("LoggingSettingsPatch", loggingPatchSchema), responses: ok("Settings", named("LoggingSettings", out.loggingSettingsSchema)) },
  { method: "post", path: "/admin/datasets/from-logs", tag: "Admin: request log", summary: "A fine-tuning dataset from a log query: deduplicated, PII re-checked, split, stored as files", auth: "master", body: named("DatasetFromLogs", fromLogsSchema), responses: ok("The files and counts", named("DatasetFromLogsResult", out.datasetFromLogsSchema)) },
  { method: "get", path: "/admin/feedback/summary", tag: "Admin: usage and audit", summary: "Ratings per model or variant: count, mean, 95% interval", auth: "master", query: summaryQuerySchema, responses: ok("Groups", named("FeedbackSummary", out.feedbackSummarySchema)) },
  { method: "get", path: "/admin/routers", tag: "Admin: routing", summary: "Router files stored for every node (models name them stored:NAME)", auth: "master", responses: ok("Routers", named("StoredRouterList", storedRouterListSchema)) },
  { method: "put", path: "/admin/routers/:name", tag: "Admin: routing", summary: "Store or replace a router file; every node reloads its auto models with it", auth: "master", body: named("RouterFile", routerFileSchema), responses: ok("Stored", named("StoredRouter", storedRouterSchema)) },
  { method: "delete", path: "/admin/routers/:name", tag: "Admin: routing", summary: "Delete a stored router (409 while a model uses it)", auth: "master", responses: ok("Deleted", named("StoredRouterDeleted", storedRouterDeletedSchema)) },
  { method: "post", path: "/admin/evaluations", tag: "Admin: evaluations", summary: "Start an evaluation: a dataset through 2+ models, scored; runs in the background", auth: "master", body: named("EvaluationCreate", evaluations.evaluationCreateSchema), responses: ok("The evaluation, started", named("Evaluation", evaluations.evaluationRecordSchema)) },
  { method: "get", path: "/admin/evaluations", tag: "Admin: evaluations", summary: "Evaluations, newest first", auth: "master", query: evaluationListQuerySchema, responses: ok("Evaluations", named("EvaluationList", evaluations.evaluationListSchema)) },
  { method: "get", path: "/admin/evaluations/:id", tag: "Admin: evaluations", summary: "One evaluation: progress and, once finished, the per-model summary", auth: "master", query: evaluationQuerySchema, responses: ok("The evaluation", named("Evaluation", evaluations.evaluationRecordSchema)) },
  { method: "get", path: "/admin/evaluations/:id/rows", tag: "Admin: evaluations", summary: "Per-row answers, scores and judge verdicts", auth: "master", query: evaluationRowsQuerySchema, responses: ok("Rows", named("EvaluationRows", evaluations.evaluationRowsSchema)) },
  { method: "post", path: "/admin/evaluations/:id/cancel", tag: "Admin: evaluations", summary: "Cancel a running evaluation (409 once it has ended)", auth: "master", query: evaluationQuerySchema, responses: ok("The evaluation", named("Evaluation", evaluations.evaluationRecordSchema)) },
  { method: "delete", path: "/admin/evaluations/:id", tag: "Admin: evaluations", summary: "Delete an evaluation and its rows (cancels it first if running)", auth: "master", query: evaluationQuerySchema, responses: ok("Deleted", named("EvaluationDeleted", evaluations.evaluationDeletedSchema)) },
  { method: "get", path: "/admin/routing/health", tag: "Admin: routing", summary: "Per model, lately: requests, error rate, mean latency and time to first token (a project key: its own requests); the master key also gets each route's live balancer latency, in-flight count and breaker", auth: "master", query: modelHealthQuerySchema, responses: ok("Models", named("ModelHealthList", out.modelHealthListSchema)) },
  { method: "post", path: "/admin/promotions", tag: "Admin: promotions", summary: "Promote a candidate into an auto model's weak tier and/or a deployment (canary) once it passes its gate on a held-out set; evaluates in the background", auth: "master", body: named("PromotionCreate", promotionRequestSchema), responses: ok("The promotion, evaluating", named("Promotion", promotionSchema)) },
  { method: "get", path: "/admin/promotions", tag: "Admin: promotions", summary: "Promotions, newest first (a project key: its own project's)", auth: "master", query: promotionListQuerySchema, responses: ok("Promotions", named("PromotionList", promotionListSchema)) },
  { method: "get", path: "/admin/promotions/:id", tag: "Admin: promotions", summary: "One promotion: progress, figures, gate, what it changed, rollback", auth: "master", responses: ok("The promotion", named("Promotion", promotionSchema)) },
  { method: "post", path: "/admin/promotions/:id/rollback", tag: "Admin: promotions", summary: "Roll a promotion in force back: what it replaced is restored (409 when not in force)", auth: "master", body: named("PromotionRollback", promotionRollbackSchema), responses: ok("The promotion, rolled back", named("Promotion", promotionSchema)) },
  { method: "get", path: "/admin/routing/breakers", tag: "Admin: routing", summary: "Circuit breakers per provider endpoint", auth: "master", responses: ok("Breakers", named("Breakers", out.breakersSchema)) },
];
