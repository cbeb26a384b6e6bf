/** Assembles files, datasets and fine-tuning from the config: stores, backends, job service, routes. */
import type { RouteRegistrar } from "../http/route-registrar.js";
import { fileRoutes } from "./files/routes.js";
import { fineTuningRoutes } from "./fine-tuning/routes.js";
import type { Storage } from "../storage/database.js";
import type { BlobStore } from "../storage/blobs/blob-store.js";
import type { ChangeBus } from "../cluster/change-bus.js";
import { changeTopics } from "../cluster/topics.js";
import { FileStore } from "./files/file-store.js";
import { JobService } from "./fine-tuning/job-service.js";
import { JobStore } from "./fine-tuning/job-store.js";
import { LocalBackend } from "./fine-tuning/local-backend.js";
import { OpenaiBackend } from "./fine-tuning/openai-backend.js";
import type { FineTuningBackend } from "./fine-tuning/types.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import { DeploymentStore } from "./deployments/deployment-store.js";
import { deploymentMiddleware } from "./deployments/middleware.js";
import { deploymentRoutes } from "./deployments/routes.js";
import { syncDeploymentModels } from "./deployments/registry-sync.js";
import type { FineTuningConfig } from "./config-schema.js";
import type { DeploymentSpec } from "./deployments/spec.js";
import type { Logger } from "../observability/logger.js";
import type { ModelsAndProviders } from "./fine-tuning/local-backend.js";

export interface Customization {
  files: FileStore;
  jobs: JobStore;
  service: JobService;
  deployments: DeploymentStore;
  middleware: ChatMiddleware;
  routes: RouteRegistrar;
  close(): Promise<void>;
}

/**
 * What customization reads from the runtime: the models and providers (the runtime's own, the same
 * objects across config reloads; fine-tunes and deployments are registered there), a provider's raw
 * config entry (read when a local job starts, so a reload is seen), and its config sections.
 */
export interface CustomizationDependencies extends ModelsAndProviders {
  fineTuning: FineTuningConfig;
  /** The config file's deployments: saved as versions at start, shared by every project. */
  deployments: Readonly<Record<string, DeploymentSpec>>;
  providerConfig(name: string): unknown;
  dataDir: string;
  logger: Logger;
}

export interface CustomizationOptions {
  storage: Storage;
  env: NodeJS.ProcessEnv;
  /** Where file bytes and trained models live (the database when nodes share PostgreSQL). */
  blobs: BlobStore;
  /** Tells the other nodes about new deployments and models, and tells this one about theirs. */
  bus: ChangeBus;
  nodeId: string;
}

export async function createCustomization(dependencies: CustomizationDependencies, options: CustomizationOptions): Promise<Customization> {
  const config = dependencies.fineTuning;
  const files = new FileStore(options.storage, options.blobs);
  const jobs = new JobStore(options.storage);
  const local = new LocalBackend(dependencies, config.local, options.blobs);
  const openai = config.openai ? new OpenaiBackend(dependencies.providers, config.openai, options.env) : undefined;
  const backends: FineTuningBackend[] = openai ? [local, openai] : [local];
  const service = new JobService({
    jobs,
    files,
    models: dependencies.models,
    backends: { local, ...(openai ? { openai } : {}) },
    maxTokensPerExample: config.max_tokens_per_example,
    logger: dependencies.logger,
    cluster: { nodeId: options.nodeId, leaseMs: config.lease_ms, bus: options.bus },
  });
  await service.recover();
  const registerFiles = fileRoutes({ files, maxFileBytes: config.max_file_bytes, maxTokensPerExample: config.max_tokens_per_example, backends });
  const registerJobs = fineTuningRoutes(service, jobs);
  const deployments = new DeploymentStore(options.storage);
  await deployments.load();
  for (const [name, spec] of Object.entries(dependencies.deployments)) await deployments.save(name, spec, "config", null);
  const sync = syncDeploymentModels(deployments, dependencies.models);
  sync();
  // Another node saved, rolled back or deleted one (or the reconcile timer fired): reload the active versions.
  const unsubscribe = options.bus.subscribe(changeTopics.deployments, async () => {
    await deployments.load();
    sync();
  });
  const registerDeployments = deploymentRoutes(deployments, async (name) => {
    sync();
    await options.bus.publish(changeTopics.deployments, name);
  });
  return {
    files,
    jobs,
    service,
    deployments,
    middleware: deploymentMiddleware(deployments),
    routes: async (app) => {
      await registerFiles(app);
      registerJobs(app);
      await registerDeployments(app);
    },
    close: async () => {
      unsubscribe();
      await service.close();
    },
  };
}
