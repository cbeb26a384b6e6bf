import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import cliProgress from "cli-progress";
import { FineTuningClient, GatewayApiError, type FineTuningJobView } from "./finetune-client.js";

const usage = `Usage:
  switchyard finetune upload FILE [--purpose fine-tune]
  switchyard finetune create --model MODEL (--file PATH | --training-file FILE_ID) [--validation PATH | --validation-file FILE_ID]
                             [--epochs N] [--lr-multiplier X] [--trainable POLICY] [--suffix S] [--seed N] [--backend local|openai] [--no-watch]
  switchyard finetune list | get JOB | events JOB | cancel JOB | watch JOB

Talks to a running gateway: --url (default $SWITCHYARD_URL or http://127.0.0.1:4000) and --key
(default $SWITCHYARD_API_KEY). \`create\` uploads local files first and then shows a progress bar
with the training loss until the job finishes.
`;

const terminal = new Set(["succeeded", "failed", "cancelled"]);

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Polls a job, drawing steps and loss, until it finishes; the exit code says how it ended. */
async function watch(client: FineTuningClient, id: string, intervalMs = 1000): Promise<number> {
  const bar = new cliProgress.SingleBar(
    { format: "{status} [{bar}] {value}/{total} steps | loss {loss}", hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { status: "validating_files", loss: "-" });
  let job: FineTuningJobView;
  for (;;) {
    job = await client.job(id);
    const last = job.metrics?.at(-1);
    const total = last?.total_steps ?? Math.max(1, last?.step ?? 1);
    bar.setTotal(total);
    bar.update(job.status === "succeeded" ? total : (last?.step ?? 0), { status: job.status.padEnd(16), loss: last ? last.train_loss.toFixed(4) : "-" });
    if (terminal.has(job.status)) break;
    await sleep(intervalMs);
  }
  bar.stop();
  if (job.status === "succeeded") {
    process.stdout.write(`Fine-tuned model: ${job.fine_tuned_model}\n`);
    if (job.evaluation?.base_valid_loss != null && job.evaluation.final_valid_loss != null) {
      process.stdout.write(`Held-out loss: base ${job.evaluation.base_valid_loss.toFixed(4)} -> fine-tuned ${job.evaluation.final_valid_loss.toFixed(4)}\n`);
    }
    return 0;
  }
  process.stderr.write(`Job ${job.id} ${job.status}${job.error ? `: ${job.error.message}` : ""}\n`);
  return 1;
}

/** `switchyard finetune ...`: files and fine-tuning jobs through a running gateway's API. */
export async function finetuneCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      purpose: { type: "string", default: "fine-tune" },
      model: { type: "string" },
      file: { type: "string" },
      "training-file": { type: "string" },
      validation: { type: "string" },
      "validation-file": { type: "string" },
      epochs: { type: "string" },
      "lr-multiplier": { type: "string" },
      trainable: { type: "string" },
      suffix: { type: "string" },
      seed: { type: "string" },
      backend: { type: "string" },
      "no-watch": { type: "boolean", default: false },
    },
  });
  const client = new FineTuningClient(
    values.url ?? process.env.SWITCHYARD_URL ?? "http://127.0.0.1:4000",
    values.key ?? process.env.SWITCHYARD_API_KEY,
  );
  const [id] = positionals;
  try {
    switch (action) {
      case "upload":
        if (!id) break;
        print(await client.upload(id, values.purpose));
        return 0;
      case "list":
        print(await client.request("/v1/fine_tuning/jobs?limit=100"));
        return 0;
      case "get":
        if (!id) break;
        print(await client.job(id));
        return 0;
      case "events":
        if (!id) break;
        print(await client.request(`/v1/fine_tuning/jobs/${encodeURIComponent(id)}/events?limit=100`));
        return 0;
      case "cancel":
        if (!id) break;
        print(await client.request(`/v1/fine_tuning/jobs/${encodeURIComponent(id)}/cancel`, { method: "POST" }));
        return 0;
      case "watch":
        if (!id) break;
        return await watch(client, id);
      case "create": {
        if (!values.model || (!values.file && !values["training-file"])) break;
        const trainingFile = values["training-file"] ?? (await client.upload(values.file!, "fine-tune")).id;
        const validationFile = values["validation-file"] ?? (values.validation ? (await client.upload(values.validation, "fine-tune")).id : undefined);
        const hyperparameters: Record<string, number | string> = {};
        if (values.epochs) hyperparameters.n_epochs = Number(values.epochs);
        if (values["lr-multiplier"]) hyperparameters.learning_rate_multiplier = Number(values["lr-multiplier"]);
        if (values.trainable) hyperparameters.trainable = values.trainable;
        const job = await client.request<FineTuningJobView>("/v1/fine_tuning/jobs", {
          method: "POST",
          json: {
            model: values.model,
            training_file: trainingFile,
            ...(validationFile ? { validation_file: validationFile } : {}),
            hyperparameters,
            ...(values.suffix ? { suffix: values.suffix } : {}),
            ...(values.seed ? { seed: Number(values.seed) } : {}),
            ...(values.backend ? { backend: values.backend } : {}),
          },
        });
        process.stdout.write(`Created ${job.id} (${job.model})\n`);
        return values["no-watch"] ? 0 : await watch(client, job.id);
      }
      case undefined:
      default:
        // No or unknown action: the usage text below.
        break;
    }
  } catch (error) {
    if (error instanceof GatewayApiError) {
      process.stderr.write(`${error.message}\n`);
      const report = (error.body as { error?: { report?: { errors?: Array<{ line: number; message: string }> } } }).error?.report;
      for (const issue of report?.errors ?? []) process.stderr.write(`  line ${issue.line}: ${issue.message}\n`);
      return 1;
    }
    throw error;
  }
  process.stderr.write(usage);
  return 1;
}
