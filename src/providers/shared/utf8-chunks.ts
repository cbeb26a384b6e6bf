/**
 * UTF-8 text from a body read in chunks, exactly as a streaming `TextDecoder` gives it (a byte-order
 * mark at the very start dropped, a character split between chunks joined, bytes that never form
 * one replaced), without a decoder in the common case: a chunk that ends in an ASCII byte ends
 * between characters, so when nothing is carried over from the chunk before it decodes on its own
 * (`Buffer#toString`). SSE bodies are such chunks almost always; the decoder is made only for the
 * rest. Building a TextDecoder per stream and calling it per chunk showed in the fast path's profiles.
 */
export class Utf8Chunks {
  private decoder: InstanceType<typeof TextDecoder> | undefined;
  /** The last chunk ended inside a character (or the decoder holds a byte-order mark's first bytes). */
  private carried = false;
  private started = false;

  decode(chunk: Uint8Array): string {
    const atStart = !this.started;
    this.started = true;
    if (chunk.length === 0) return "";
    const last = chunk[chunk.length - 1]!;
    if (!this.carried && last < 0x80 && !(atStart && chunk[0] === 0xef)) {
      // A body's chunks are Buffers already: wrapping one in another costs more than its decoding of a small chunk.
      return (chunk instanceof Buffer ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)).toString("utf8");
    }
    // Made at the start, the decoder drops a leading byte-order mark as one made for the whole body would; made later it must not.
    this.decoder ??= new TextDecoder("utf-8", { ignoreBOM: !atStart });
    const text = this.decoder.decode(chunk, { stream: true });
    this.carried = last >= 0x80;
    return text;
  }

  /** What is left at the end of the body: a character cut short becomes U+FFFD. */
  end(): string {
    if (!this.carried) return "";
    this.carried = false;
    return this.decoder!.decode();
  }
}
