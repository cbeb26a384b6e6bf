/** OpenAI-compatible /v1/files: upload (multipart), list, retrieve, content, delete; scoped to the caller's project. */
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";
import { validateDataset } from "../files/dataset-validation.js";
import { filePurposes, type FileStore } from "../files/file-store.js";
import type { FineTuningBackend } from "../fine-tuning/types.js";
import { parseBody } from "../../http/parse-body.js";
import { projectOf } from "../../http/project-of.js";
import { errorBody, errorHeaders } from "../../http/wire-error.js";

export interface FileRoutesOptions {
  files: FileStore;
  maxFileBytes: number;
  maxTokensPerExample: number;
  backends: FineTuningBackend[];
}

export const listQuerySchema = z.object({
  purpose: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  order: z.enum(["asc", "desc"]).optional(),
});

async function readUpload(request: FastifyRequest): Promise<{ purpose: string; filename: string; content: Buffer }> {
  if (!request.isMultipart()) {
    throw new SwitchyardError("SWY_ERR_UNSUPPORTED_MEDIA_TYPE", "Upload files as multipart/form-data with fields `purpose` and `file`.");
  }
  let purpose: string | undefined;
  let file: { filename: string; content: Buffer } | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === "file") {
        if (part.fieldname !== "file") {
          await part.toBuffer();
          continue;
        }
        const content = await part.toBuffer();
        if (part.file.truncated) throw new SwitchyardError("SWY_ERR_PAYLOAD_TOO_LARGE", "The file is larger than `fine_tuning.max_file_bytes` allows.", { param: "file" });
        file = { filename: part.filename || "upload", content };
      } else if (part.fieldname === "purpose" && typeof part.value === "string") {
        purpose = part.value;
      }
    }
  } catch (error) {
    // The multipart parser's own failures (no boundary, truncated body) carry no status: they are the client's.
    const status = (error as { statusCode?: unknown }).statusCode;
    if (error instanceof SwitchyardError || typeof status === "number") throw error;
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The multipart body could not be read: ${(error as Error).message}`);
  }
  if (!file) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The multipart body has no `file` part.", { param: "file" });
  if (!purpose) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The multipart body has no `purpose` field.", { param: "purpose" });
  if (!(filePurposes as readonly string[]).includes(purpose)) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `purpose must be one of ${filePurposes.join(", ")}.`, { param: "purpose" });
  }
  return { purpose, ...file };
}

export function fileRoutes(options: FileRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      await scope.register(multipart, { limits: { fileSize: options.maxFileBytes, files: 1, fields: 10 }, throwFileSizeLimit: false });

      scope.post("/v1/files", async (request, reply) => {
        const upload = await readUpload(request);
        let report;
        if (upload.purpose === "fine-tune") {
          report = validateDataset(upload.content.toString("utf8"), { maxTokensPerExample: options.maxTokensPerExample });
          if (!report.valid) {
            const failure = new SwitchyardError(
              "SWY_ERR_INVALID_DATASET",
              `The dataset has ${report.errors.length} problem(s); first: line ${report.errors[0]?.line}: ${report.errors[0]?.message}. Nothing was stored.`,
              { param: "file" },
            );
            const body = errorBody(failure, "openai") as { error: Record<string, unknown> };
            body.error.report = { format: report.format, errors: report.errors, statistics: report.statistics };
            return reply.code(400).headers(errorHeaders(failure)).send(body);
          }
        }
        const stored = await options.files.create({ projectId: projectOf(request), filename: upload.filename, purpose: upload.purpose, content: upload.content, report });
        if (report && stored.dataset) {
          // OpenAI's default of 3 epochs; the job estimate uses the job's own epochs.
          const statistics = report.statistics;
          stored.dataset = { ...stored.dataset, estimates: await Promise.all(options.backends.map((backend) => backend.estimate(statistics, 3))) };
        }
        return stored;
      });
    });

    app.get("/v1/files", async (request) => {
      const query = parseBody(listQuerySchema, request.query ?? {});
      const data = await options.files.list(projectOf(request), query);
      return { object: "list", data, has_more: false };
    });

    app.get<{ Params: { id: string } }>("/v1/files/:id", async (request) => options.files.get(projectOf(request), request.params.id));

    app.get<{ Params: { id: string } }>("/v1/files/:id/content", async (request, reply) => {
      const content = await options.files.content(projectOf(request), request.params.id);
      return reply.type("application/octet-stream").send(content);
    });

    app.delete<{ Params: { id: string } }>("/v1/files/:id", async (request) => options.files.delete(projectOf(request), request.params.id));
  };
}
