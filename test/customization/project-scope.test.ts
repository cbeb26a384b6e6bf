import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { chatJsonl } from "./datasets.js";

const MASTER = "sk-master-scope";

describe("files and fine-tuning jobs are scoped to the key's project", () => {
  let dataDir: string;
  let app: App;
  const keys: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-ft-scope-"));
    app = await createApp({ env: { ...process.env, SWITCHYARD_MASTER_KEY: MASTER }, config: { server: { data_dir: dataDir, log_level: "silent" }, providers: { local: { type: "local", probe_load: false } } } });
    for (const name of ["alpha", "beta"]) {
      const project = (await app.server.inject({ method: "POST", url: "/admin/projects", headers: { authorization: `Bearer ${MASTER}` }, payload: { name } })).json() as { id: string };
      const key = await app.server.inject({ method: "POST", url: "/admin/keys", headers: { authorization: `Bearer ${MASTER}` }, payload: { project_id: project.id } });
      expect(key.statusCode, key.body).toBe(201);
      keys.push((key.json() as { key: string }).key);
    }
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("another project's key neither lists nor reads nor deletes a file", async () => {
    const boundary = "scopeboundary";
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.jsonl"\r\n\r\n${chatJsonl([["a", "b"]])}\r\n--${boundary}--\r\n`;
    const as = (index: number) => ({ authorization: `Bearer ${keys[index]}` });
    const uploaded = await app.server.inject({ method: "POST", url: "/v1/files", payload, headers: { ...as(0), "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    const id = (uploaded.json() as { id: string }).id;
    const list = (index: number) => app.server.inject({ method: "GET", url: "/v1/files", headers: as(index) }).then((response) => (response.json() as { data: Array<{ id: string }> }).data.map((file) => file.id));
    expect(await list(0)).toEqual([id]);
    expect(await list(1)).toEqual([]);
    expect((await app.server.inject({ method: "GET", url: `/v1/files/${id}`, headers: as(1) })).statusCode).toBe(404);
    expect((await app.server.inject({ method: "GET", url: `/v1/files/${id}/content`, headers: as(1) })).statusCode).toBe(404);
    expect((await app.server.inject({ method: "DELETE", url: `/v1/files/${id}`, headers: as(1) })).statusCode).toBe(404);
    const job = await app.server.inject({ method: "POST", url: "/v1/fine_tuning/jobs", headers: as(1), payload: { model: "local/base", training_file: id } });
    expect(job.statusCode).toBe(400);
    expect(job.json().error.message).toMatch(/No such training file/);
    expect((await app.server.inject({ method: "GET", url: `/v1/files/${id}`, headers: as(0) })).statusCode).toBe(200);
  });
});
