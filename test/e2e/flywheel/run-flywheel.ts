/**
 * The whole flywheel through a real gateway over HTTP, offline: a "strong" provider (the OpenAI
 * emulator, priced in the config) answers both task families right; the local weak model (a GGUF
 * served by the local provider, free) answers neither. Steps: measure the routed auto model, the
 * strong and the weak tier on a held-out set -> send traffic with logging on and rate it ->
 * dataset from the log query -> local fine-tune -> a promotion of the untuned base (refused by the
 * gate) -> a promotion of the fine-tuned model (evaluated against the tiers, router retrained,
 * hot-swapped) -> measure again. Used by test/e2e/flywheel.test.ts (which asserts) and
 * bench/flywheel.ts (which prints the figures). Every draw is seeded; every wait has a deadline.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { trainRouter } from "../../../src/routing/auto/train.js";
import { startOpenaiEmulator } from "../../emulators/openai/server.js";
import { startGateway } from "../../helpers/gateway.js";
import { waitFor } from "../../helpers/wait.js";
import { GatewayClient } from "./http-client.js";
import { measure, type Figures } from "./measure.js";
import { examples, solve, type TaskExample } from "./task-family.js";

const MASTER = "sk-master-flywheel";
/** The strong model's price in the config (USD per million tokens), so its answers cost something. */
export const STRONG_PRICE = { input: 2.5, output: 10 };
const countWords = (text: string) => (text.match(/\S+/g) ?? []).length;

export interface FlywheelOptions {
  /** A directory of its own; the base model is copied into `models/base.gguf` by the caller. */
  dataDir: string;
  /** Logged traffic to the strong model, per family. */
  traffic: { orders: number; sums: number };
  /** The held-out set measured before and after (prompts not in the traffic). */
  heldOut: { orders: number; sums: number };
  epochs: number;
  learningRateMultiplier: number;
  /** Share of the logged examples kept out of training (the promotion's held-out split). */
  validationFraction: number;
  /** Tokens a local answer may take (the answers are one short line). */
  maxTokens: number;
  seed: number;
  minQualityShare: number;
  onStep?: (step: string) => void;
}

export interface FlywheelResult {
  before: { routed: Figures; strong: Figures; weak: Figures };
  after: { routed: Figures; candidate: Figures };
  dataset: { training_file: string; validation_file: string; counts: Record<string, unknown> };
  job: {
    id: string;
    status: string;
    fine_tuned_model: string | null;
    error: unknown;
    evaluation: { base_valid_loss: number; final_valid_loss: number } | null;
    trained_tokens: number | null;
    metrics: Array<{ step: number; epoch: number; train_loss: number }>;
  };
  /** The fine-tuned model's answer to the first held-out prompt, straight after training. */
  candidateSample: { prompt: string; answer: string };
  /** The first rows of the promotion's evaluation of the fine-tuned model (its answers and scores). */
  candidateRows: Array<{ output: string | null; quality: number | null }>;
  refused: Promotion;
  promotion: Promotion;
  autoModelBefore: unknown;
  autoModelAfterRefusal: unknown;
  autoModelAfter: any;
  /** Another promotion into the auto model while the fine-tune is in force. */
  secondAttempt: { status: number; body: any };
  autoModelAfterSecondAttempt: unknown;
  seconds: Record<string, number>;
}

export interface Promotion {
  id: string;
  status: string;
  evaluation: { models: Array<{ model: string; role: string; quality: { mean: number }; cost_per_request_usd: number }> } | null;
  gate: { passed: boolean; checks: Array<{ name: string; passed: boolean; message: string }> } | null;
  refusal: { message: string } | null;
  events: Array<{ step: string; message?: string }>;
}

/** The emulated strong model: right on every prompt of both families. */
function strongReply(body: Record<string, any>) {
  const messages = body.messages as Array<{ role: string; content: string }>;
  const prompt = messages.filter((message) => message.role === "user").at(-1)?.content ?? "";
  const text = solve(prompt) ?? "I do not know.";
  return { text, toolCalls: [], finishReason: "stop" as const, promptTokens: countWords(prompt) + 3, completionTokens: countWords(text) };
}

export async function runFlywheel(options: FlywheelOptions): Promise<FlywheelResult> {
  const step = options.onStep ?? (() => undefined);
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    step(name);
    const started = performance.now();
    try {
      return await run();
    } finally {
      seconds[name] = Math.round((performance.now() - started) / 100) / 10;
    }
  };

  // A starting router that sends everything to the strong model: the weak tier is right on nothing.
  const seedRows = [...examples("orders", 12, options.seed + 1), ...examples("sums", 12, options.seed + 2)].map((example) => ({
    prompt: example.prompt,
    scores: { strong: 1, weak: 0 },
  }));
  const routerPath = join(options.dataDir, "router.json");
  writeFileSync(routerPath, JSON.stringify(trainRouter(seedRows, { strong: "strong", weak: "weak", folds: 2, seed: options.seed, targetQuality: 1 }).file));

  const upstream = await startOpenaiEmulator({ reply: strongReply });
  const gateway = await startGateway(
    {
      server: { data_dir: options.dataDir },
      providers: {
        up: { type: "openai", base_url: upstream.baseURL, api_key: "none" },
        local: { type: "local", threads: 1, context_size: 512, parallel: 1, probe_load: false, default_max_tokens: options.maxTokens },
      },
      models: {
        strong: { routes: [{ provider: "up", model: "gpt-4o" }] },
        weak: { routes: [{ provider: "local", model: "base" }] },
        // The same file under another name: a candidate for the promotion the gate must refuse.
        untuned: { routes: [{ provider: "local", model: "base" }] },
        smart: { type: "auto", auto: { router: routerPath, strong: "strong", weak: "weak", collect_samples: true } },
      },
      pricing: { "up/gpt-4o": STRONG_PRICE },
      fine_tuning: { local: { threads: 1, context_size: 256 } },
      promotions: { monitor_ms: 1_000 },
    },
    { env: { SWITCHYARD_MASTER_KEY: MASTER } },
  );
  const client = new GatewayClient(gateway.url);
  try {
    const project = (await client.ok(MASTER, "POST", "/admin/projects", { name: "desk" })).id as string;
    // The desk's application sends the traffic; a second key of the same project measures. The log query
    // names the application's key, so no measured (held-out) prompt reaches the dataset. Measuring in the
    // desk's own project matters: its fine-tuned model serves that project only.
    const app = await client.ok(MASTER, "POST", "/admin/keys", { project_id: project, name: "app" });
    const key = app.key as string;
    const measureKey = (await client.ok(MASTER, "POST", "/admin/keys", { project_id: project, name: "measure" })).key as string;
    await client.ok(MASTER, "PUT", `/admin/projects/${project}/logging`, { store_requests: true });

    const heldOut: TaskExample[] = interleave(examples("orders", options.heldOut.orders, options.seed + 100), examples("sums", options.heldOut.sums, options.seed + 101));
    const trafficPrompts = interleave(examples("orders", options.traffic.orders, options.seed + 200), examples("sums", options.traffic.sums, options.seed + 201));
    const unseen = new Set(heldOut.map((example) => example.prompt));
    const traffic = trafficPrompts.filter((example) => !unseen.has(example.prompt));
    const measuringOptions = { client, key: measureKey, masterKey: MASTER, maxTokens: options.maxTokens };

    const before = await timed("measure before", async () => ({
      routed: await measure(measuringOptions, "smart", heldOut),
      strong: await measure(measuringOptions, "strong", heldOut),
      weak: await measure(measuringOptions, "weak", heldOut),
    }));

    await timed("traffic and ratings", async () => {
      for (const example of traffic) {
        const reply = await client.call(key, "POST", "/v1/chat/completions", { model: "strong", messages: [{ role: "user", content: example.prompt }] });
        if (reply.status !== 200) throw new Error(`traffic answered ${reply.status}: ${reply.body}`);
        const answer = String(reply.json.choices[0].message.content).trim();
        await client.ok(key, "POST", "/v1/feedback", { request_id: reply.headers.get("x-request-id"), score: answer === example.answer ? 1 : 0 });
      }
      // Ratings and log rows are written off the request path: wait until the log query sees them all.
      await waitFor(
        async () => {
          const listed = await client.call(MASTER, "GET", `/admin/logs?project_id=${project}&key_id=${app.id}&limit=500`);
          const rows = (listed.json?.data ?? []) as Array<{ feedback: unknown }>;
          return rows.length === traffic.length && rows.every((row) => row.feedback !== null);
        },
        30_000,
        "every rated request in the log",
        100,
      );
    });

    const query = { model: "strong", key_id: app.id as string, q: "order", min_score: 0.8, validation_fraction: options.validationFraction, seed: options.seed };
    const dataset = await timed("dataset from logs", () => client.ok(MASTER, "POST", "/admin/datasets/from-logs", { project_id: project, name: "orders", ...query }));

    const job = await timed("fine-tune", async () => {
      const created = await client.ok(key, "POST", "/v1/fine_tuning/jobs", {
        model: "weak",
        training_file: dataset.training_file,
        validation_file: dataset.validation_file,
        suffix: "orders",
        hyperparameters: { n_epochs: options.epochs, learning_rate_multiplier: options.learningRateMultiplier },
      });
      return waitFor(
        async () => {
          const view = await client.ok(key, "GET", `/v1/fine_tuning/jobs/${created.id}`);
          return ["succeeded", "failed", "cancelled"].includes(view.status) ? view : undefined;
        },
        900_000,
        "the fine-tuning job to end",
        500,
      );
    });
    if (job.status !== "succeeded") throw new Error(`the fine-tuning job ended ${job.status}: ${JSON.stringify(job.error)}`);
    const sample = await client.ok(key, "POST", "/v1/chat/completions", {
      model: job.fine_tuned_model,
      messages: [{ role: "user", content: heldOut[0]!.prompt }],
      temperature: 0,
      max_tokens: options.maxTokens,
    });
    const candidateSample = { prompt: heldOut[0]!.prompt, answer: String(sample.choices[0].message.content) };

    const promotionBody = (candidate: string) => ({
      project_id: project,
      candidate,
      auto_model: "smart",
      held_out: { ...query, split: "validation" },
      router_set: { model: "strong", key_id: app.id as string, min_score: 0.8, split: "all" },
      parameters: { temperature: 0, max_tokens: options.maxTokens },
      gate: { min_quality_share: options.minQualityShare, min_rows: 3 },
      // Live ratings are not part of this run: the automatic rollback would need far more of them.
      rollback: { margin: 0.2, min_samples: 1_000 },
      seed: options.seed,
    });
    const promote = async (candidate: string): Promise<Promotion> => {
      const created = await client.ok(MASTER, "POST", "/admin/promotions", promotionBody(candidate));
      return waitFor(
        async () => {
          const view = (await client.ok(MASTER, "GET", `/admin/promotions/${created.id}`)) as Promotion;
          return view.status === "evaluating" ? undefined : view;
        },
        600_000,
        `promotion of ${candidate} to leave 'evaluating'`,
        250,
      );
    };
    const autoModelBefore = await client.ok(MASTER, "GET", "/admin/models/smart");
    const refused = await timed("promotion of the untuned model", () => promote("untuned"));
    const autoModelAfterRefusal = await client.ok(MASTER, "GET", "/admin/models/smart");
    const promotion = await timed("promotion of the fine-tuned model", () => promote(job.fine_tuned_model));
    const autoModelAfter = await client.ok(MASTER, "GET", "/admin/models/smart");
    // With the fine-tune in force, another promotion into the same auto model is refused at once.
    const secondAttempt = await client.call(MASTER, "POST", "/admin/promotions", promotionBody("untuned"));
    const autoModelAfterSecondAttempt = await client.ok(MASTER, "GET", "/admin/models/smart");
    const evaluationId = (promotion.evaluation as { evaluation_id?: string } | null)?.evaluation_id;
    const candidateRows = evaluationId
      ? ((await client.ok(MASTER, "GET", `/admin/evaluations/${evaluationId}/rows?model=${encodeURIComponent(job.fine_tuned_model)}&limit=5&project_id=${project}`)).data as Array<{ output: string | null; quality: number | null }>)
      : [];

    const after = await timed("measure after", async () => ({
      routed: await measure(measuringOptions, "smart", heldOut),
      candidate: await measure(measuringOptions, job.fine_tuned_model, heldOut),
    }));
    return { before, after, dataset, job, candidateSample, candidateRows, refused, promotion, autoModelBefore, autoModelAfterRefusal, autoModelAfter, secondAttempt: { status: secondAttempt.status, body: secondAttempt.json }, autoModelAfterSecondAttempt, seconds };
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

/** Alternates two lists (what a desk's traffic looks like), keeping each one's seeded order. */
function interleave<T>(first: T[], second: T[]): T[] {
  const out: T[] = [];
  for (let index = 0; index < Math.max(first.length, second.length); index++) {
    if (index < first.length) out.push(first[index]!);
    if (index < second.length) out.push(second[index]!);
  }
  return out;
}
