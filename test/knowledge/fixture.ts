import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";

export const MASTER = "sk-master-knowledge";

export interface KnowledgeFixture {
  upstream: OpenaiEmulator;
  dataDir: string;
  config: Record<string, unknown>;
  open(): Promise<App>;
  close(): Promise<void>;
}

/** An OpenAI emulator (chat + deterministic hash embeddings) and gateway config on a SQLite file in a temp dir. */
export async function knowledgeFixture(extra: Record<string, unknown> = {}): Promise<KnowledgeFixture> {
  const upstream = await startOpenaiEmulator();
  const dataDir = mkdtempSync(join(tmpdir(), "swy-knowledge-"));
  const apps: App[] = [];
  const config = {
    server: { data_dir: dataDir, log_level: "silent" },
    providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
    models: {
      embedder: { routes: [{ provider: "up", model: "text-embedding-3-small" }] },
      chat: { routes: [{ provider: "up", model: "gpt-test" }] },
    },
    ...extra,
  };
  return {
    upstream,
    dataDir,
    config,
    async open() {
      const app = await createApp({ config, env: { SWITCHYARD_MASTER_KEY: MASTER }, logger: createLogger("silent") });
      apps.push(app);
      return app;
    },
    async close() {
      for (const app of apps) await app.close();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A project and a virtual key in it; returns the key. */
export async function projectKey(app: App, name: string): Promise<string> {
  return (await projectWithKey(app, name)).key;
}

/** A new project and a key of it; the id is what the master key names when it makes things for the project. */
export async function projectWithKey(app: App, name: string): Promise<{ projectId: string; key: string }> {
  const auth = { authorization: `Bearer ${MASTER}` };
  const project = await app.server.inject({ method: "POST", url: "/admin/projects", headers: auth, payload: { name } });
  if (project.statusCode >= 300) throw new Error(project.body);
  const projectId = (project.json() as { id: string }).id;
  const key = await app.server.inject({ method: "POST", url: "/admin/keys", headers: auth, payload: { project_id: projectId } });
  if (key.statusCode >= 300) throw new Error(key.body);
  return { projectId, key: (key.json() as { key: string }).key };
}
