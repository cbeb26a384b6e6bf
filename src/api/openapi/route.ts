import { createRequire } from "node:module";
import type { RouteRegistrar } from "../../http/route-registrar.js";
import { adminOperations } from "./admin-operations.js";
import { buildOpenApiDocument } from "./document.js";
import { v1Operations } from "./v1-operations.js";

const require = createRequire(import.meta.url);
const { version } = require("../../../package.json") as { version: string };

export const operations = [...v1Operations, ...adminOperations];

/** `GET /openapi.json`: built once, on the first request; it needs no key (it is documentation). */
export const openApiRoutes: RouteRegistrar = (app) => {
  let document: Record<string, unknown> | undefined;
  app.get("/openapi.json", async () => (document ??= buildOpenApiDocument(operations, { version })));
};
