import { createRequire } from "node:module";
import type { RouteRegistrar } from "../../http/route-registrar.js";

const require = createRequire(import.meta.url);
const { version } = require("../../../package.json") as { version: string };

/**
 * Every documented operation and the document builder: loaded with the first request for the
 * document, since the response schemas they build exist only for it (about 1 MB of heap otherwise
 * held by every gateway from start-up).
 */
async function buildDocument(): Promise<Record<string, unknown>> {
  const [{ v1Operations }, { adminOperations }, { buildOpenApiDocument }] = await Promise.all([
    import("./v1-operations.js"),
    import("./admin-operations.js"),
    import("./document.js"),
  ]);
  return buildOpenApiDocument([...v1Operations, ...adminOperations], { version });
}

/** `GET /openapi.json`: built once, on the first request; it needs no key (it is documentation). */
export const openApiRoutes: RouteRegistrar = (app) => {
  let document: Promise<Record<string, unknown>> | undefined;
  app.get("/openapi.json", () => {
    document ??= buildDocument().catch((error: unknown) => {
      // A failed build is tried again by the next request, as before.
      document = undefined;
      throw error;
    });
    return document;
  });
};
