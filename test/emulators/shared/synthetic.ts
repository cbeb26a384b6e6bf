/** Splits text into the pieces an emulator streams, `size` characters each. */
export function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let index = 0; index < text.length; index += size) out.push(text.slice(index, index + size));
  return out;
}

/** A deterministic unit vector from text: equal inputs embed equally, different ones (almost always) not. */
export function hashVector(text: string, dimensions: number): number[] {
  const out = new Array<number>(dimensions).fill(0);
  for (let index = 0; index < text.length; index++) out[index % dimensions]! += text.charCodeAt(index) / 1000;
  const norm = Math.hypot(...out) || 1;
  return out.map((value) => value / norm);
}
