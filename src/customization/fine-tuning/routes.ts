/** OpenAI-compatible /v1/fine_tuning/jobs: create, list, retrieve, cancel, events, checkpoints; and an estimate before creating one. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { unixSeconds } from "../../core/ids.js";
import type { JobService } from "../fine-tuning/job-service.js";
import type { JobStore } from "../fine-tuning/job-store.js";
import type { Hyperparameters, JobRecord, JobRequest } from "../fine-tuning/types.js";
import { parseBody } from "../../http/parse-body.js";
import { projectOf } from "../../http/project-of.js";
import { SwitchyardError } from "../../core/errors.js";
import { DEFAULT_TRAINABLE, trainableSchema } from "../trainer/trainable-policy.js";

const auto = z.literal("auto");
const hyperparametersSchema = z
  .object({
    n_epochs: z.union([auto, z.number().int().min(1).max(50)]).optional(),
    learning_rate_multiplier: z.union([auto, z.number().positive().max(100)]).optional(),
    batch_size: z.union([auto, z.number().int().min(1).max(256)]).optional(),
    /** Switchyard extension (local backend): which tensors train. */
    trainable: trainableSchema.optional(),
  })
  .strict();

export const createJobSchema = z
  .object({
    model: z.string().min(1),
    training_file: z.string().min(1),
    validation_file: z.string().min(1).nullish(),
    hyperparameters: hyperparametersSchema.optional(),
    method: z
      .object({ type: z.literal("supervised"), supervised: z.object({ hyperparameters: hyperparametersSchema.optional() }).optional() })
      .optional(),
    seed: z.number().int().min(0).max(2_147_483_647).nullish(),
    suffix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "suffix: up to 64 letters, digits, - or _")
      .nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    integrations: z.array(z.unknown()).nullish(),
    /** Switchyard extension: which backend trains the model (default: local for local models, else openai). */
    backend: z.enum(["local", "openai"]).optional(),
  })
  .strict();

/**
 * The hyperparameters a job runs with: what the request gives (top level over `method`), `auto` and absent ones at
 * their defaults. `trainable` is the local backend's alone: settled for local jobs, refused for the others.
 */
function settleHyperparameters(body: z.infer<typeof createJobSchema>, backend: string): Hyperparameters {
  const given = { ...body.method?.supervised?.hyperparameters, ...body.hyperparameters };
  if (backend !== "local" && given.trainable !== undefined && given.trainable !== "auto") {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'hyperparameters.trainable': only the local backend trains part of a model.", {
      param: "hyperparameters.trainable",
    });
  }
  return {
    n_epochs: given.n_epochs === undefined || given.n_epochs === "auto" ? 3 : given.n_epochs,
    learning_rate_multiplier: given.learning_rate_multiplier === undefined || given.learning_rate_multiplier === "auto" ? 1 : given.learning_rate_multiplier,
    batch_size: given.batch_size === undefined || given.batch_size === "auto" ? 1 : given.batch_size,
    ...(backend === "local" ? { trainable: given.trainable === undefined || given.trainable === "auto" ? DEFAULT_TRAINABLE : given.trainable } : {}),
  };
}

export const pageSchema = z.object({ after: z.string().optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });

/** The OpenAI job object, plus Switchyard's `backend`, `metrics` (the loss curve) and `evaluation`. */
export function jobObject(record: JobRecord) {
  const { request, state } = record;
  return {
    object: "fine_tuning.job",
    id: record.id,
    created_at: unixSeconds(record.createdAt),
    finished_at: record.finishedAt === null ? null : unixSeconds(record.finishedAt),
    model: request.model,
    fine_tuned_model: state.fine_tuned_model,
    organization_id: record.projectId,
    status: record.status,
    hyperparameters: request.hyperparameters,
    method: { type: "supervised", supervised: { hyperparameters: request.hyperparameters } },
    training_file: request.training_file,
    validation_file: request.validation_file,
    result_files: [],
    trained_tokens: state.trained_tokens,
    error: state.error,
    seed: request.seed,
    suffix: request.suffix,
    user_provided_suffix: request.suffix,
    metadata: request.metadata,
    estimated_finish: state.estimated_finish === null ? null : unixSeconds(state.estimated_finish),
    integrations: [],
    backend: request.backend,
    metrics: state.metrics,
    evaluation: state.evaluation ?? null,
    statistics: state.statistics ?? null,
  };
}

export function fineTuningRoutes(service: JobService, jobs: JobStore) {
  return (app: FastifyInstance): void => {
    app.post("/v1/fine_tuning/jobs", async (request) => {
      const body = parseBody(createJobSchema, request.body ?? {});
      const backend = body.backend ?? service.chooseBackend(body.model);
      const normalized: JobRequest = {
        model: body.model,
        training_file: body.training_file,
        validation_file: body.validation_file ?? null,
        hyperparameters: settleHyperparameters(body, backend),
        seed: body.seed ?? Math.floor(Math.random() * 2_147_483_647),
        suffix: body.suffix ?? null,
        metadata: body.metadata ?? null,
        backend,
      };
      return jobObject(await service.create(projectOf(request), normalized));
    });

    /** Switchyard extension: the body of a job request, answered with what that job would train, cost and take; nothing is created. */
    app.post("/v1/fine_tuning/estimates", async (request) => {
      const body = parseBody(createJobSchema, request.body ?? {});
      const backend = body.backend ?? service.chooseBackend(body.model);
      const hyperparameters = settleHyperparameters(body, backend);
      const { estimate, statistics } = await service.estimate(projectOf(request), { model: body.model, training_file: body.training_file, backend, hyperparameters });
      return {
        object: "fine_tuning.estimate",
        model: body.model,
        training_file: body.training_file,
        backend,
        hyperparameters,
        statistics,
        trained_tokens: estimate.trained_tokens,
        cost_usd: estimate.cost_usd,
        seconds: estimate.seconds,
        ...(estimate.tokens_per_second !== undefined ? { tokens_per_second: estimate.tokens_per_second, speed_basis: estimate.speed_basis } : {}),
      };
    });

    app.get("/v1/fine_tuning/jobs", async (request) => {
      const page = parseBody(pageSchema, request.query ?? {});
      const records = await jobs.list(projectOf(request), { after: page.after, limit: page.limit + 1 });
      return { object: "list", data: records.slice(0, page.limit).map(jobObject), has_more: records.length > page.limit };
    });

    app.get<{ Params: { id: string } }>("/v1/fine_tuning/jobs/:id", async (request) => jobObject(await service.get(projectOf(request), request.params.id)));

    app.post<{ Params: { id: string } }>("/v1/fine_tuning/jobs/:id/cancel", async (request) =>
      jobObject(await service.cancel(projectOf(request), request.params.id)),
    );

    app.get<{ Params: { id: string } }>("/v1/fine_tuning/jobs/:id/events", async (request) => {
      const page = parseBody(pageSchema, request.query ?? {});
      await service.get(projectOf(request), request.params.id);
      const events = await jobs.events(request.params.id, { after: page.after, limit: page.limit + 1 });
      return { object: "list", data: events.slice(0, page.limit), has_more: events.length > page.limit };
    });

    app.get<{ Params: { id: string } }>("/v1/fine_tuning/jobs/:id/checkpoints", async (request) => {
      const page = parseBody(pageSchema, request.query ?? {});
      const record = await service.get(projectOf(request), request.params.id);
      const all = [...record.state.checkpoints].reverse().map((checkpoint) => ({
        object: "fine_tuning.job.checkpoint",
        id: checkpoint.id,
        created_at: unixSeconds(checkpoint.created_at),
        fine_tuned_model_checkpoint: checkpoint.fine_tuned_model_checkpoint,
        step_number: checkpoint.step_number,
        metrics: checkpoint.metrics,
        fine_tuning_job_id: record.id,
      }));
      const start = page.after ? all.findIndex((checkpoint) => checkpoint.id === page.after) + 1 : 0;
      const data = all.slice(start, start + page.limit);
      return { object: "list", data, has_more: start + page.limit < all.length, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
    });
  };
}
