import type { FastifyReply } from "fastify";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";
import type { FileStore } from "../../customization/files/file-store.js";
import { validateDataset } from "../../customization/files/dataset-validation.js";
import type { DetectorSet } from "../../guardrails/detectors/index.js";
import { adminProjectScope } from "../../http/admin-guard.js";
import { parseBody } from "../../http/parse-body.js";
import type { RouteRegistrar } from "../../http/route-registrar.js";
import { errorBody, errorHeaders } from "../../http/wire-error.js";
import type { JournaledWriter } from "../../storage/journal/journaled-writer.js";
import { searchWords } from "../log-search.js";
import type { LogStore } from "../log-store.js";
import type { LogRow } from "../log-writer.js";
import { buildDataset, toJsonl, type DatasetCounts } from "./build-dataset.js";

const DAY_MS = 86_400_000;

const instant = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), "an ISO 8601 time or epoch milliseconds")
    .transform((value) => Date.parse(value)),
]);

export const fromLogsSchema = z
  .object({
    /** The project whose log is read and who owns the files; a project key's own by default, `default` for keyless traffic. */
    project_id: z.string().min(1).max(128).optional(),
    model: z.string().min(1).max(256).optional(),
    deployment: z.string().min(1).max(256).optional(),
    key_id: z.string().min(1).max(128).optional(),
    from: instant.optional(),
    to: instant.optional(),
    /** Shorthand for `from`: the last N days. */
    last_days: z.number().positive().max(3650).optional(),
    min_score: z.number().min(0).max(1).optional(),
    max_score: z.number().min(0).max(1).optional(),
    rated: z.boolean().optional(),
    q: z.string().min(1).max(500).optional(),
    include_system: z.boolean().default(true),
    /** Detector categories not to re-check (the rest drop an example that still holds them). */
    allow_categories: z.array(z.string().min(1)).default([]),
    /** `drop` (default): leave out examples that still hold personal data and report them; `refuse`: store nothing if any does. */
    on_pii: z.enum(["drop", "refuse"]).default("drop"),
    validation_fraction: z.number().min(0).max(0.5).default(0.1),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
    max_rows: z.number().int().positive().max(100_000).default(10_000),
    /** Name stem of the stored files (`<stem>-train.jsonl`, `<stem>-validation.jsonl`). */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "letters, digits, . _ - only (at most 64)").default("logs-dataset"),
  })
  .strict();

/** A refused build answers 400 in OpenAI's error shape with the counts beside the message. */
function refuse(reply: FastifyReply, message: string, counts: DatasetCounts, param?: string) {
  const failure = new SwitchyardError("SWY_ERR_INVALID_DATASET", message, { param });
  const body = errorBody(failure, "openai") as { error: Record<string, unknown> };
  body.error.counts = counts;
  return reply.code(failure.status).headers(errorHeaders(failure)).send(body);
}

/**
 * `POST /admin/datasets/from-logs` (admin guard; a project's admin key for its own project): builds
 * a chat-format fine-tuning dataset from the project's stored requests and stores it as the
 * project's `/v1/files` (purpose `fine-tune`), training and validation, answering both ids and counts.
 */
export function datasetRoutes(options: { store: LogStore; writer: JournaledWriter<LogRow>; files: FileStore; detectors: DetectorSet; maxTokensPerExample: number }): RouteRegistrar {
  const { store, writer, files, detectors } = options;
  return (app) => {
    app.post("/admin/datasets/from-logs", async (request, reply) => {
      const body = parseBody(fromLogsSchema, request.body);
      const projectId = adminProjectScope(request, body.project_id) ?? "default";
      const from = body.from ?? (body.last_days === undefined ? undefined : Date.now() - body.last_days * DAY_MS);
      if (body.from !== undefined && body.last_days !== undefined) {
        throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Give either 'from' or 'last_days', not both.", { param: "last_days" });
      }
      if (from !== undefined && body.to !== undefined && from >= body.to) {
        throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'to': it must be later than 'from'.", { param: "to" });
      }
      const unknown = body.allow_categories.find((category) => !detectors.categories.includes(category));
      if (unknown !== undefined) {
        throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for 'allow_categories': no detector category '${unknown}' (known: ${detectors.categories.join(", ")}).`, { param: "allow_categories" });
      }
      let words: string[] | undefined;
      if (body.q !== undefined) {
        words = searchWords(body.q);
        if (words.length === 0) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'q': it needs at least one word (letters or digits).", { param: "q" });
      }
      await writer.flush();
      const built = await buildDataset(
        store.scan({
          projectKey: projectId === "default" ? "" : projectId,
          model: body.model,
          deployment: body.deployment,
          keyId: body.key_id,
          status: "success",
          from,
          to: body.to,
          rated: body.rated,
          minScore: body.min_score,
          maxScore: body.max_score,
          words,
        }),
        { detectors, allowCategories: body.allow_categories, includeSystem: body.include_system, validationFraction: body.validation_fraction, seed: body.seed, maxRows: body.max_rows },
      );
      const { counts } = built;
      if (counts.matched === 0) return refuse(reply, "No stored request of this project matches the query (is logging on for it, and is the time range right?). Nothing was stored.", counts);
      if (counts.pii_dropped > 0 && body.on_pii === "refuse") return refuse(reply, `${counts.pii_dropped} example(s) still hold personal data or secrets; nothing was stored ('on_pii': 'refuse').`, counts, "on_pii");
      if (counts.kept === 0) return refuse(reply, "Every matching request was unusable, a duplicate or held personal data: the dataset would be empty. Nothing was stored.", counts);

      const save = async (suffix: string, content: string) =>
        files.create({
          projectId,
          filename: `${body.name}-${suffix}.jsonl`,
          purpose: "fine-tune",
          content: Buffer.from(content, "utf8"),
          report: validateDataset(content, { maxTokensPerExample: options.maxTokensPerExample }),
        });
      const trainingFile = await save("train", toJsonl(built.train));
      const validationFile = built.validation.length > 0 ? await save("validation", toJsonl(built.validation)) : null;
      return {
        object: "dataset",
        project_id: projectId,
        training_file: trainingFile.id,
        validation_file: validationFile?.id ?? null,
        counts,
        files: validationFile ? [trainingFile, validationFile] : [trainingFile],
      };
    });
  };
}
