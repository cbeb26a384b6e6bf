import type { FastifyInstance } from "fastify";
import type { Gateway } from "../gateway/gateway.js";
import { modelScope, type Principal } from "../gateway/context.js";
import type { ModelStatus, ProviderAdapter } from "../providers/contract.js";
import type { Route } from "../routing/model-registry.js";

/** What the catalog needs beyond the gateway's model names: each provider's own list, and price and capability cards. */
export interface ModelCatalog {
  providers: ReadonlyMap<string, ProviderAdapter>;
  /** Price and capabilities of a public model through its first route, as extra fields of its card. */
  cardFields(publicModel: string, route: { provider: ProviderAdapter; model: string } | undefined): Record<string, unknown>;
}

/** `GET /v1/models`: configured public models plus each provider's own list, OpenAI's list shape. */
export function registerModelRoutes(app: FastifyInstance, gateway: Gateway, catalog: ModelCatalog): void {
  app.get("/v1/models", async (request) => {
    const data = await listModels(gateway, catalog, request.principal);
    return { object: "list", data };
  });

  app.get<{ Params: { "*": string } }>("/v1/models/*", async (request, reply) => {
    const name = request.params["*"];
    const entry = gateway.resolveModel(name, request.principal);
    void reply;
    return describe(entry.name, entry.routes[0]?.provider.name ?? "switchyard", catalog.cardFields(entry.name, entry.routes[0]), statusOf(entry.routes[0]));
  });
}

/** The catalog a caller sees: only what it may call (its allow-list, and no other project's fine-tunes or deployments). */
async function listModels(gateway: Gateway, catalog: ModelCatalog, principal: Principal) {
  const allowed = principal.allowedModels;
  const seen = new Set<string>();
  const data = [];
  for (const entry of gateway.models.list()) seen.add(entry.name);
  for (const entry of gateway.models.list(modelScope(principal))) {
    data.push(describe(entry.name, entry.routes[0]?.provider.name ?? "switchyard", catalog.cardFields(entry.name, entry.routes[0]), statusOf(entry.routes[0])));
  }
  for (const provider of catalog.providers.values()) {
    const names = (await provider.listModels?.().catch(() => [])) ?? [];
    for (const model of names) {
      const id = `${provider.name}/${model}`;
      if (!seen.has(id)) data.push(describe(id, provider.name, catalog.cardFields(id, { provider, model }), provider.modelStatus?.(model)));
    }
  }
  return allowed ? data.filter((model) => allowed.includes(model.id)) : data;
}

/** Whether the first route's model can answer yet (a local model still downloading), when its provider can tell. */
function statusOf(route: Route | undefined): ModelStatus | undefined {
  return route?.provider.modelStatus?.(route.model);
}

/** Price and capabilities (context length, vision, tools, JSON) and, where known, `status` ride along as extra fields. */
function describe(id: string, ownedBy: string, card: Record<string, unknown> = {}, status?: ModelStatus) {
  return { id, object: "model" as const, created: 0, owned_by: ownedBy, ...card, ...(status && { status }) };
}
