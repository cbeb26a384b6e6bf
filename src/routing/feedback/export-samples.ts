import { closeSync, openSync, writeSync } from "node:fs";
import type { RoutingRow } from "../auto/dataset.js";
import type { RatedSample, RoutingSampleStore } from "./sample-store.js";

/**
 * A rated sample as a training row: the rating is filed under the tier model that answered, so a
 * row teaches only that model's side (training accepts rows that score one model). The extra keys
 * are for people reading the file; training ignores them.
 */
export function trainingRow(sample: RatedSample): RoutingRow {
  return { prompt: sample.prompt, scores: { [sample.model]: sample.rating }, request_id: sample.request_id, tier: sample.tier };
}

/** Writes one JSONL line per rated sample of `autoModel`; resolves to the number of rows written. */
export async function exportRatedSamples(store: RoutingSampleStore, autoModel: string, path: string, options: { since?: number } = {}): Promise<number> {
  const fd = openSync(path, "w");
  let rows = 0;
  let pending = "";
  try {
    for await (const sample of store.rated(autoModel, options)) {
      rows++;
      pending += `${JSON.stringify(trainingRow(sample))}\n`;
      if (pending.length >= 1 << 16) {
        writeSync(fd, pending);
        pending = "";
      }
    }
    if (pending.length > 0) writeSync(fd, pending);
  } finally {
    closeSync(fd);
  }
  return rows;
}
