import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parseConfig } from "../../src/config/load.js";
import { resolveConfig } from "../../src/config/resolve.js";
import { createLogger } from "../../src/observability/logger.js";
import { HELM, kubernetesModel, requireTools, run } from "./tools.js";

// helm 3 lints and renders the chart; every rendered object is checked against the Kubernetes API
// schemas of kubernetes-models, and the rendered config file against Switchyard's own loader.
const CHART = fileURLToPath(new URL("../../deploy/helm/switchyard", import.meta.url));
const values = (name: string) => `${CHART}/ci/${name}-values.yaml`;

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, any>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

async function render(...args: string[]): Promise<KubernetesObject[]> {
  const result = await run(HELM, ["template", "sy", CHART, ...args]);
  if (result.code !== 0) throw new Error(result.stderr);
  return parseAllDocuments(result.stdout)
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null);
}

const gatewayEnv = (objects: KubernetesObject[]) => {
  const deployment = objects.find((object) => object.kind === "Deployment")!;
  return deployment.spec!.template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;
};

describe("deploy/helm/switchyard", () => {
  beforeAll(() => requireTools());

  it("passes helm lint --strict with each CI values file", async () => {
    for (const name of ["scale-out", "existing-secrets"]) {
      const lint = await run(HELM, ["lint", "--strict", CHART, "-f", values(name)]);
      expect(lint.stdout + lint.stderr).toContain("0 chart(s) failed");
      expect(lint.code).toBe(0);
    }
  });

  it("renders objects valid against the Kubernetes schemas", async () => {
    for (const name of ["scale-out", "existing-secrets"]) {
      const objects = await render("-f", values(name));
      expect(objects.map((object) => object.kind).sort()).toEqual(
        name === "scale-out" ? ["ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service"] : ["ConfigMap", "Deployment", "PodDisruptionBudget", "Service"],
      );
      for (const object of objects) {
        const Model = await kubernetesModel(object);
        expect(() => new Model(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
      }
    }
  });

  it("takes replicas, secrets, database and Redis URLs from values, and runs as non-root", async () => {
    const objects = await render("-f", values("scale-out"), "--set", "replicaCount=5");
    const deployment = objects.find((object) => object.kind === "Deployment")!;
    expect(deployment.spec!.replicas).toBe(5);
    const pod = deployment.spec!.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(pod.containers[0].readinessProbe.httpGet.path).toBe("/health");
    const env = gatewayEnv(objects);
    const secret = objects.find((object) => object.kind === "Secret")!;
    for (const [variable, key, value] of [
      ["SWITCHYARD_MASTER_KEY", "master-key", "ci-master-key"],
      ["DATABASE_URL", "database-url", "postgres://switchyard:secret@postgres:5432/switchyard"],
      ["REDIS_URL", "redis-url", "redis://redis:6379"],
    ] as const) {
      expect(env.find((entry) => entry.name === variable)?.valueFrom?.secretKeyRef).toEqual({ name: secret.metadata.name, key });
      expect(secret.stringData![key]).toBe(value);
    }
    expect(env.find((entry) => entry.name === "OPENAI_API_KEY")?.valueFrom?.secretKeyRef).toEqual({ name: "openai", key: "api-key" });

    const existing = gatewayEnv(await render("-f", values("existing-secrets")));
    expect(existing.find((entry) => entry.name === "DATABASE_URL")?.valueFrom?.secretKeyRef).toEqual({ name: "switchyard-keys", key: "database" });
    expect(existing.find((entry) => entry.name === "REDIS_URL")?.valueFrom?.secretKeyRef).toEqual({ name: "switchyard-keys", key: "redis" });
  });

  it("mounts a config file Switchyard accepts", async () => {
    const objects = await render("-f", values("scale-out"));
    const text = objects.find((object) => object.kind === "ConfigMap")!.data!["switchyard.yaml"]!;
    const { parse } = await import("yaml");
    const runtime = resolveConfig(parseConfig(parse(text), "configmap"), { logger: createLogger("silent"), env: { OPENAI_API_KEY: "sk-test" } });
    expect(runtime.models.list().map((model) => model.name)).toEqual(["fast"]);
    await runtime.close();
  });

  it("refuses to render several nodes on SQLite, or bad values", async () => {
    const sqlite = await run(HELM, ["template", "sy", CHART, "--set", "masterKey.value=k", "--set", "replicaCount=2"]);
    expect(sqlite.code).not.toBe(0);
    expect(sqlite.stderr).toContain("needs a shared database");
    const zero = await run(HELM, ["template", "sy", CHART, "-f", values("scale-out"), "--set", "replicaCount=0"]);
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toContain("replicaCount");
    const badUrl = await run(HELM, ["template", "sy", CHART, "-f", values("scale-out"), "--set", "database.url=mysql://x"]);
    expect(badUrl.code).not.toBe(0);
    expect(badUrl.stderr).toContain("database");
  });
});
