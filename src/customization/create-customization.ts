/** Assembles files, datasets and fine-tuning from the config: stores, backends, job service, routes. */
import type { Runtime } from "../config/resolve.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import { fileRoutes } from "./files/routes.js";
import { fineTuningRoutes } from "./fine-tuning/routes.js";
import type { Storage } from "../storage/database.js";
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

export interface Customization {
  files: FileStore;
  jobs: JobStore;
  service: JobService;
  deployments: DeploymentStore;
  middleware: ChatMiddleware;
  routes: RouteRegistrar;
  close(): Promise<void>;
}

export async function createCustomization(runtime: Runtime, options: { storage: Storage; env: NodeJS.ProcessEnv }): Promise<Customization> {
  const config = runtime.config.fine_tuning;
  const files = new FileStore(options.storage, runtime.config.server.data_dir);
  const jobs = new JobStore(options.storage);
  const local = new LocalBackend(runtime, config.local);
  const openai = config.openai ? new OpenaiBackend(runtime, config.openai, options.env) : undefined;
  const backends: FineTuningBackend[] = openai ? [local, openai] : [local];
  const service = new JobService({
    jobs,
    files,
    models: runtime.models,
    backends: { local, ...(openai ? { openai } : {}) },
    maxTokensPerExample: config.max_tokens_per_example,
    logger: runtime.logger,
  });
  await service.recover();
  const registerFiles = fileRoutes({ files, maxFileBytes: config.max_file_bytes, maxTokensPerExample: config.max_tokens_per_example, backends });
  const registerJobs = fineTuningRoutes(service, jobs);
  const deployments = new DeploymentStore(options.storage);
  await deployments.load();
  for (const [name, spec] of Object.entries(runtime.config.deployments)) await deployments.save(name, spec, "config");
  const sync = syncDeploymentModels(deployments, runtime.models);
  sync();
  const registerDeployments = deploymentRoutes(deployments, sync);
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
    close: () => service.close(),
  };
}
