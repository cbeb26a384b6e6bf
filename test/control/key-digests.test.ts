import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../src/control/tables.js";
import { KeyDirectory } from "../../src/control/auth/key-directory.js";
import { createVirtualKeyAuthenticator } from "../../src/control/auth/virtual-key-authenticator.js";
import { KeyStore } from "../../src/control/keys/key-store.js";
import { ProjectStore } from "../../src/control/projects/project-store.js";
import { KeyDigests } from "../../src/gateway/key-digests.js";
import type { Storage } from "../../src/storage/database.js";
import { openDatabase } from "../../src/storage/open-database.js";

describe("remembered key digests", () => {
  const dir = mkdtempSync(join(tmpdir(), "swy-digests-"));
  let storage: Storage;
  let keys: KeyStore;
  let projects: ProjectStore;

  beforeAll(async () => {
    storage = await openDatabase({ dataDir: dir });
    keys = new KeyStore(storage.db);
    projects = new ProjectStore(storage.db);
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("remembers accepted keys only, and a revoked key is refused and forgotten", async () => {
    const project = await projects.create({ name: "digests" });
    const { key, secret } = await keys.create(project.id, { name: "k" });
    // No cache period: every request reads the key, as another node sees a revocation once its cache expires.
    const directory = new KeyDirectory(keys, projects, 0);
    const digests = new KeyDigests();
    const auth = createVirtualKeyAuthenticator("master-secret", directory, digests);

    expect(await auth.authenticate("master-secret")).toMatchObject({ keyId: "master" });
    // What is known in memory is answered without a promise (the fast path reads it in the same turn).
    expect(auth.authenticate("master-secret")).toMatchObject({ keyId: "master" });
    expect(await auth.authenticate(secret)).toMatchObject({ keyId: key.id, projectId: project.id });
    expect(digests.size).toBe(2);
    await expect(auth.authenticate("master-secreT")).rejects.toMatchObject({ code: "SWY_ERR_UNAUTHORIZED" });
    await expect(auth.authenticate(`${secret}x`)).rejects.toMatchObject({ code: "SWY_ERR_UNAUTHORIZED" });
    expect(digests.size).toBe(2);

    await keys.revoke(key.id);
    await expect(auth.authenticate(secret)).rejects.toMatchObject({ message: "This API key has been revoked." });
    expect(digests.size).toBe(1);
    expect(await auth.authenticate("master-secret")).toMatchObject({ keyId: "master" });
  });

  it("keeps at most 1,024 keys, dropping the oldest first", () => {
    const digests = new KeyDigests();
    for (let index = 0; index < 1030; index++) digests.accept(`key-${index}`, digests.digest(`key-${index}`));
    expect(digests.size).toBe(1024);
    expect([digests.has("key-5"), digests.has("key-6"), digests.has("key-1029")]).toEqual([false, true, true]);
    // A remembered digest is the key's SHA-256, the same as a fresh one.
    expect(digests.digest("key-1029").equals(createHash("sha256").update("key-1029").digest())).toBe(true);
  });
});
