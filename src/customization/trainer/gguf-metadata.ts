/**
 * llama.cpp's `llama_model_save_to_file` writes only the metadata llama.cpp itself loads a model with:
 * `tokenizer.chat_template` (and the named `tokenizer.chat_template.*` ones), the `general.sampling.*`
 * defaults, `general.file_type`, `general.basename`, author, licence, tags and the like are dropped
 * (llama-model-saver.cpp of this build). A fine-tuned model without its base's
 * chat template is served with another chat format than the base (node-llama-cpp guesses one from the
 * architecture), so everything the base had and the saved file lacks is copied back into it.
 *
 * Keys the saved file has keep its values (they describe the weights as saved); entries are copied as
 * raw bytes, so their GGUF types stay exactly as the base had them (llama.cpp checks them). Tensor
 * data is streamed, never held in memory whole.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { SwitchyardError } from "../../core/errors.js";
import { readGgufLayout } from "./gguf-dequantize.js";
import { ggufHeader } from "./gguf-header.js";

const GGUF_STRING = 8;
const GGUF_ARRAY = 9;
/** GGUF value types with a fixed size, by type id. */
const fixedSizes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
/** Describe the file's layout, not the model: never copied from another file. */
const LAYOUT_KEYS = new Set(["general.alignment"]);
const COPY_CHUNK = 8 << 20;

export interface MetadataEntry {
  key: string;
  /** The whole entry as stored: key, type and value. */
  bytes: Buffer;
}

/** Splits a GGUF key-value section (as `readGgufLayout` returns it) into its entries. */
export function metadataEntries(section: Buffer, count: bigint): MetadataEntry[] {
  let offset = 0;
  const u32 = () => ((offset += 4), section.readUInt32LE(offset - 4));
  const u64 = () => ((offset += 8), Number(section.readBigUInt64LE(offset - 8)));
  const skip = (type: number): void => {
    if (type === GGUF_STRING) {
      const length = u64();
      offset += length;
      return;
    }
    if (type === GGUF_ARRAY) {
      const itemType = u32();
      const items = u64();
      if (itemType === GGUF_STRING || itemType === GGUF_ARRAY) for (let index = 0; index < items; index++) skip(itemType);
      else offset += items * (fixedSizes[itemType] ?? Number.NaN);
      return;
    }
    const size = fixedSizes[type];
    if (size === undefined) throw new SwitchyardError("SWY_ERR_INTERNAL", `Unknown GGUF metadata type ${type}.`);
    offset += size;
  };
  const entries: MetadataEntry[] = [];
  for (let index = 0n; index < count; index++) {
    const start = offset;
    const length = u64();
    const key = section.toString("utf8", offset, offset + length);
    offset += length;
    skip(u32());
    if (!Number.isFinite(offset) || offset > section.length) {
      throw new SwitchyardError("SWY_ERR_INTERNAL", "A GGUF metadata section ends inside an entry.");
    }
    entries.push({ key, bytes: section.subarray(start, offset) });
  }
  return entries;
}

/**
 * Adds to `tuned` (in place) every metadata entry of `base` that `tuned` lacks; returns their keys
 * (none: the file is left untouched).
 */
export function restoreBaseMetadata(base: string, tuned: string): string[] {
  const baseLayout = readGgufLayout(base);
  const tunedLayout = readGgufLayout(tuned);
  const present = new Set(metadataEntries(tunedLayout.metadata, tunedLayout.metadataCount).map((entry) => entry.key));
  const missing = metadataEntries(baseLayout.metadata, baseLayout.metadataCount).filter(
    (entry) => !present.has(entry.key) && !LAYOUT_KEYS.has(entry.key),
  );
  if (missing.length === 0) return [];

  // Tensor offsets are relative to the start of the data, which moves as a whole: they stay as they are.
  const padded = ggufHeader(
    tunedLayout,
    [tunedLayout.metadata, ...missing.map((entry) => entry.bytes)],
    tunedLayout.metadataCount + BigInt(missing.length),
    tunedLayout.tensors,
  );

  const temporary = `${tuned}.metadata`;
  const source = openSync(tuned, "r");
  const target = openSync(temporary, "w");
  let written = false;
  try {
    writeSync(target, padded);
    const end = fstatSync(source).size;
    const chunk = Buffer.alloc(Math.min(COPY_CHUNK, Math.max(1, end - tunedLayout.dataOffset)));
    for (let position = tunedLayout.dataOffset; position < end; ) {
      const read = readSync(source, chunk, 0, Math.min(chunk.length, end - position), position);
      if (read <= 0) throw new SwitchyardError("SWY_ERR_INTERNAL", `The fine-tuned model ${tuned} ended early while its metadata was restored.`);
      writeSync(target, chunk, 0, read);
      position += read;
    }
    written = true;
  } finally {
    closeSync(source);
    closeSync(target);
    if (!written) rmSync(temporary, { force: true });
  }
  renameSync(temporary, tuned);
  return missing.map((entry) => entry.key);
}

