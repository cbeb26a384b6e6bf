import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessBus, type ChangeBus, type ChangeMessage } from "../../src/cluster/change-bus.js";
import { createChangeBus } from "../../src/cluster/create-bus.js";
import { createLogger } from "../../src/observability/logger.js";
import { openDatabase, type Storage } from "../../src/storage/index.js";
import { waitFor } from "../helpers/wait.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

const quiet = { reconcileMs: 0, onError: () => undefined };

function collect(bus: ChangeBus, topic: string): ChangeMessage[] {
  const seen: ChangeMessage[] = [];
  bus.subscribe(topic, (message) => void seen.push(message));
  return seen;
}

describe("in-process change bus", () => {
  it("delivers to this process's handlers of the topic, on a later turn, until unsubscribed", async () => {
    const bus = createInProcessBus(quiet);
    const deployments = collect(bus, "deployments");
    const other = collect(bus, "credentials");
    await bus.publish("deployments", "support-bot");
    expect(deployments).toEqual([]);
    await waitFor(async () => (deployments.length === 1 ? true : undefined), 2000, "the message", 5);
    expect(deployments[0]).toEqual({ topic: "deployments", payload: "support-bot", reason: "message" });
    expect(other).toEqual([]);
    await bus.close();
  });

  it("reconciles every handler on a timer, and a failing handler neither stops the others nor the bus", async () => {
    const failures: ChangeMessage[] = [];
    const bus = createInProcessBus({ reconcileMs: 50, onError: (_error, message) => void failures.push(message) });
    bus.subscribe("deployments", () => {
      throw new Error("database away");
    });
    const seen = collect(bus, "credentials");
    await waitFor(async () => (seen.filter((message) => message.reason === "reconcile").length >= 2 ? true : undefined), 5000, "two reconciles", 10);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures[0]).toEqual({ topic: "deployments", reason: "reconcile" });
    await bus.close();
  });
});

describe("PostgreSQL change bus (LISTEN/NOTIFY)", () => {
  let postgres: PostgresServer;
  let url: string;
  const opened: Array<{ storage: Storage; bus: ChangeBus }> = [];
  const open = async (databaseUrl = url, reconcileMs = 0) => {
    const storage = await openDatabase({ url: databaseUrl });
    const bus = await createChangeBus({ storage, databaseUrl, reconcileMs, logger: createLogger("silent") });
    opened.push({ storage, bus });
    return { storage, bus };
  };

  beforeAll(async () => {
    postgres = await startPostgres();
    url = await postgres.createDatabase();
  }, 60_000);
  afterAll(async () => {
    for (const { storage, bus } of opened) {
      await bus.close();
      await storage.close();
    }
    await postgres?.stop();
  });

  it("tells every node on the same database, the publisher included, and no node on another", async () => {
    const one = await open();
    const two = await open();
    const elsewhere = await open(await postgres.createDatabase());
    expect(one.bus.kind).toBe("postgres");
    const [seenOne, seenTwo, seenElsewhere] = [collect(one.bus, "deployments"), collect(two.bus, "deployments"), collect(elsewhere.bus, "deployments")];
    await one.bus.publish("deployments", "support-bot");
    await waitFor(async () => (seenOne.length === 1 && seenTwo.length === 1 ? true : undefined), 2000, "both nodes", 10);
    expect(seenTwo[0]).toEqual({ topic: "deployments", payload: "support-bot", reason: "message" });
    // A payload too long for NOTIFY still travels, as "reload the topic".
    await two.bus.publish("deployments", "x".repeat(9000));
    await waitFor(async () => (seenOne.length === 2 ? true : undefined), 2000, "the long one", 10);
    expect(seenOne[1]).toEqual({ topic: "deployments", reason: "message" });
    expect(seenElsewhere).toEqual([]);
  });

  it("reconnects after its listening connection is killed, reconciles what it may have missed, then hears again", async () => {
    const one = await open();
    const two = await open();
    const seen = collect(two.bus, "deployments");
    const terminated = await sql<{ killed: boolean }>`select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = current_database() and query = 'LISTEN switchyard_changes'`.execute(one.storage.db);
    expect(terminated.rows.length).toBeGreaterThanOrEqual(2);
    await waitFor(async () => (seen.some((message) => message.reason === "reconcile") ? true : undefined), 10_000, "a reconcile after the reconnect", 20);
    await one.bus.publish("deployments", "after");
    await waitFor(async () => (seen.some((message) => message.payload === "after") ? true : undefined), 5000, "the message after the reconnect", 20);
  });

  it("reconciles on its timer, so a change made without a message is picked up", async () => {
    const node = await open(url, 100);
    const seen = collect(node.bus, "credentials");
    await waitFor(async () => (seen.some((message) => message.reason === "reconcile") ? true : undefined), 5000, "a timed reconcile", 20);
  });
});
