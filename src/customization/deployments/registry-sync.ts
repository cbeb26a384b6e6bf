import type { ModelRegistry, Route } from "../../routing/model-registry.js";
import type { DeploymentStore } from "./deployment-store.js";

/**
 * Lists deployment names in the model registry (so GET /v1/models shows them to the projects that may
 * call them, and another project's name resolves like a missing one), with the routes of their default
 * model where it resolves now; the deployment middleware does the real rewrite.
 */
export function syncDeploymentModels(store: DeploymentStore, models: ModelRegistry): () => void {
  const registered = new Set<string>();
  return () => {
    for (const name of registered) if (!store.get(name)) models.unregister(name);
    registered.clear();
    for (const name of store.names()) {
      const deployment = store.get(name)!;
      const target = deployment.spec.model ?? deployment.spec.variants?.[0]?.model;
      let routes: Route[] = [];
      try {
        if (target) routes = models.resolve(target, deployment.project_id ?? undefined).routes;
      } catch {
        // A model registered later (a fine-tune still training) resolves at call time instead.
      }
      models.register({
        name,
        description: deployment.spec.description ?? `Deployment v${deployment.version}`,
        routes,
        origin: "runtime",
        projectId: deployment.project_id ?? undefined,
        borrowedRoutes: true,
      });
      registered.add(name);
    }
  };
}
