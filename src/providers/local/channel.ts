/**
 * A single-consumer async queue: a producer pushes, the consumer iterates; `end` finishes it.
 * The consumer receives everything queued since its last turn as one batch, so a slow reader
 * (a client on a slow socket) gets fewer, larger pieces instead of falling behind.
 */
export class Channel<T> implements AsyncIterable<T[]> {
  private readonly items: T[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T[]> {
    for (;;) {
      if (this.items.length > 0) yield this.items.splice(0);
      if (this.ended && this.items.length === 0) return;
      if (this.items.length > 0) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
