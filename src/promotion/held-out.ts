/**
 * The held-out set of a promotion: the same log query and seeded split a dataset built with
 * `POST /admin/datasets/from-logs` uses, so the `validation` part is exactly what fine-tuning kept
 * out of training. Bad queries and empty or PII-laden sets are 400s before anything is recorded.
 */
import { SwitchyardError } from "../core/errors.js";
import type { DetectorSet } from "../guardrails/detectors/index.js";
import { buildDataset, type ChatExample, type DatasetCounts } from "../logs/datasets/build-dataset.js";
import { searchWords } from "../logs/log-search.js";
import type { LogFilter, LogStore } from "../logs/log-store.js";
import type { PromotionRequest } from "./types.js";

const DAY_MS = 86_400_000;

/** One held-out example: the conversation up to the answer, and the logged answer as the reference. */
export interface HeldOutExample {
  messages: ChatExample["messages"];
  reference: string;
}

export interface HeldOutSet {
  examples: HeldOutExample[];
  counts: DatasetCounts;
}

/** A dataset failure answers 400 with the counts beside the message, as the dataset builder's do. */
export class HeldOutError extends SwitchyardError {
  constructor(
    message: string,
    readonly counts: DatasetCounts,
    param = "held_out",
  ) {
    super("SWY_ERR_INVALID_DATASET", message, { param });
  }
}

export function logFilterOf(query: PromotionRequest["held_out"], projectId: string, now = Date.now()): LogFilter {
  if (query.from !== undefined && query.last_days !== undefined) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Give either 'held_out.from' or 'held_out.last_days', not both.", { param: "held_out.last_days" });
  }
  const from = query.from ?? (query.last_days === undefined ? undefined : now - query.last_days * DAY_MS);
  if (from !== undefined && query.to !== undefined && from >= query.to) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'held_out.to': it must be later than 'from'.", { param: "held_out.to" });
  }
  let words: string[] | undefined;
  if (query.q !== undefined) {
    words = searchWords(query.q);
    if (words.length === 0) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Invalid value for 'held_out.q': it needs at least one word (letters or digits).", { param: "held_out.q" });
  }
  return {
    projectKey: projectId === "default" ? "" : projectId,
    model: query.model,
    deployment: query.deployment,
    keyId: query.key_id,
    status: "success",
    from,
    to: query.to,
    rated: query.rated,
    minScore: query.min_score,
    maxScore: query.max_score,
    words,
  };
}

export async function buildHeldOut(options: {
  store: LogStore;
  detectors: DetectorSet;
  query: PromotionRequest["held_out"];
  projectId: string;
  /** Flushes the log journal first, so requests that just ended are found. */
  flush: () => Promise<void>;
}): Promise<HeldOutSet> {
  const { query, detectors } = options;
  const unknown = query.allow_categories.find((category) => !detectors.categories.includes(category));
  if (unknown !== undefined) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for 'held_out.allow_categories': no detector category '${unknown}'.`, { param: "held_out.allow_categories" });
  }
  const filter = logFilterOf(query, options.projectId);
  await options.flush();
  const built = await buildDataset(options.store.scan(filter), {
    detectors,
    allowCategories: query.allow_categories,
    includeSystem: query.include_system,
    validationFraction: query.split === "all" ? 0 : query.validation_fraction,
    seed: query.seed,
    maxRows: query.max_rows,
  });
  const { counts } = built;
  if (counts.matched === 0) throw new HeldOutError("No stored request of this project matches the held-out query (is logging on for it, and is the time range right?).", counts);
  if (counts.pii_dropped > 0 && query.on_pii === "refuse") {
    throw new HeldOutError(`${counts.pii_dropped} held-out example(s) still hold personal data or secrets ('on_pii': 'refuse').`, counts, "held_out.on_pii");
  }
  if (counts.kept === 0) throw new HeldOutError("Every matching request was unusable, a duplicate or held personal data: the held-out set would be empty.", counts);
  const chosen = query.split === "all" ? built.train : built.validation;
  if (chosen.length === 0) throw new HeldOutError("The validation part of this split is empty (one usable example, or 'validation_fraction' 0): use more traffic or 'split': 'all'.", counts);
  const examples = chosen.slice(0, query.max_examples).map((example) => {
    const messages = example.messages.slice(0, -1);
    return { messages, reference: example.messages.at(-1)!.content };
  });
  return { examples, counts };
}
