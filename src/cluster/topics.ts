/**
 * The change bus's topics. A message's payload is a hint (a name or id); every handler re-reads
 * the state it caches from the database, so a payload-less message means "reload the lot".
 */
export const changeTopics = {
  /** A deployment saved, rolled back or deleted (payload: its name). */
  deployments: "deployments",
  /** A fine-tuned or checkpoint model appeared (payload: the job id). */
  fineTunedModels: "fine-tuned-models",
  /** A job changed hands or ended from elsewhere, e.g. cancelled through another node (payload: the job id). */
  fineTuningJobs: "fine-tuning-jobs",
  /** A stored provider credential added, changed or removed (payload: its name). */
  credentials: "credentials",
  /** A provider or model added, changed or removed through the admin API (payload: its name). */
  runtimeConfig: "runtime-config",
  /** A router file stored or deleted through /admin/routers (payload: its name). */
  routers: "routers",
  /** A project's request-log settings changed (payload: its project key). */
  logSettings: "log-settings",
} as const;
