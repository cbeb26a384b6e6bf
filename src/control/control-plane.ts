import { join, resolve } from "node:path";
import type { ConfigFile } from "../config/schema.js";
import type { Authenticator } from "../gateway/auth.js";
import type { GatewayContext } from "../gateway/context.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import type { Logger } from "../observability/logger.js";
import type { Storage } from "../storage/database.js";
import { openConfiguredDatabase, openConfiguredRedis } from "../storage/from-config.js";
import type { Redis } from "../storage/redis.js";
import { AdminAuditStore } from "./audit/audit-store.js";
import "./audit/tables.js";
import { KeyDirectory } from "./auth/key-directory.js";
import { createVirtualKeyAuthenticator } from "./auth/virtual-key-authenticator.js";
import { SecretCipher } from "./credentials/cipher.js";
import { CredentialStore } from "./credentials/credential-store.js";
import { KeyStore } from "./keys/key-store.js";
import type { CounterStore } from "./limits/counter-store.js";
import { createLimitsMiddleware, limitsReserver, type LimitSettlement } from "./limits/limits-middleware.js";
import { MemoryCounters } from "./limits/memory-counters.js";
import { RedisCounters } from "./limits/redis-counters.js";
import { PriceBook, type PricedRoute } from "./pricing/price-book.js";
import { ProjectStore } from "./projects/project-store.js";
import { createMeteringMiddleware } from "./usage/metering-middleware.js";
import { UsageLedger } from "./usage/usage-ledger.js";
import "./tables.js";
import type { ModelRegistry } from "../routing/model-registry.js";

export interface ControlPlane {
  readonly storage: Storage;
  readonly redis?: Redis;
  readonly projects: ProjectStore;
  readonly keys: KeyStore;
  readonly credentials: CredentialStore;
  readonly directory: KeyDirectory;
  readonly ledger: UsageLedger;
  readonly prices: PriceBook;
  readonly counters: CounterStore;
  /** Every mutating admin call, written by the audit hooks. */
  readonly audit: AdminAuditStore;
  /** Decrypted stored credentials as environment entries, for `env:NAME` provider references. */
  credentialEnvironment(): Promise<Record<string, string>>;
  /** The pieces the gateway needs once the models exist: limits price a request by the route it will likely take. */
  bind(runtime: { models: ModelRegistry; masterKey: string | undefined }): {
    authenticator: Authenticator;
    middlewares: ChatMiddleware[];
    /** The limits middleware's check on its own, for the OpenAI edge's fast path. */
    reserveLimits: (context: GatewayContext) => Promise<LimitSettlement | undefined>;
  };
  close(): Promise<void>;
}

export interface ControlPlaneOptions {
  config: ConfigFile;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

/** Opens the database (migrating it), replays any usage journal a crashed process left, connects Redis. */
export async function openControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { config, env, logger } = options;
  const storage = await openConfiguredDatabase(config, env);
  const redis = openConfiguredRedis(config, env);
  const rootSecret = env.SWITCHYARD_ENCRYPTION_KEY || env.SWITCHYARD_MASTER_KEY || undefined;
  const projects = new ProjectStore(storage.db);
  const keys = new KeyStore(storage.db);
  const credentials = new CredentialStore(storage.db, rootSecret ? new SecretCipher(rootSecret) : undefined);
  const directory = new KeyDirectory(keys, projects, config.control.key_cache_ms);
  const prices = new PriceBook(config.pricing);
  const counters: CounterStore = redis ? new RedisCounters(redis, config.redis.key_prefix) : new MemoryCounters();
  const ledger = new UsageLedger({
    storage,
    journalDir: join(resolve(config.server.data_dir), "usage-journal"),
    flushMs: config.control.usage_flush_ms,
    batchSize: config.control.usage_batch_size,
    logger,
  });
  try {
    const replayed = await ledger.start();
    if (replayed > 0) logger.info({ rows: replayed }, "usage rows replayed from the journal");
  } catch (error) {
    await Promise.allSettled([storage.close(), counters.close()]);
    throw error;
  }

  return {
    storage,
    redis,
    projects,
    keys,
    credentials,
    directory,
    ledger,
    prices,
    counters,
    audit: new AdminAuditStore(storage.db),
    credentialEnvironment: () => credentials.asEnvironment(),
    bind(runtime) {
      const likelyRoute = (publicModel: string): PricedRoute | undefined => {
        try {
          const route = runtime.models.resolve(publicModel).routes[0];
          return route && { provider: route.provider.name, providerType: route.provider.type, model: route.model, publicModel };
        } catch {
          return undefined;
        }
      };
      const limits = {
        db: storage.db,
        directory,
        counters,
        prices,
        likelyRoute,
        defaultOutputEstimate: config.control.default_output_estimate,
        onSettleError: (error: unknown) => logger.warn({ err: error }, "budget settle failed"),
      };
      return {
        authenticator: createVirtualKeyAuthenticator(runtime.masterKey, directory),
        middlewares: [createMeteringMiddleware(ledger, prices), createLimitsMiddleware(limits)],
        reserveLimits: limitsReserver(limits),
      };
    },
    async close() {
      await ledger.close();
      await counters.close();
      await storage.close();
    },
  };
}
