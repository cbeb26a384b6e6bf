/**
 * Counts requests per runtime generation, so what a reload retires (provider adapters, with their
 * connection pools and loaded models) is closed only once every request that started before the
 * reload has finished: in-flight requests end on the runtime they began on.
 */
export class InFlightRequests {
  private generation = 0;
  private readonly active = new Map<number, number>();
  private readonly waiting: Array<{ generation: number; run: () => void }> = [];

  /** Marks a request as started on the current generation; call the returned function once it has ended. */
  enter(): () => void {
    const generation = this.generation;
    this.active.set(generation, (this.active.get(generation) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.active.get(generation) ?? 1) - 1;
      if (left === 0) this.active.delete(generation);
      else this.active.set(generation, left);
      this.sweep();
    };
  }

  /** Starts a new generation; `run` runs once no request of this or an earlier generation is left. */
  advance(run: () => void): void {
    this.waiting.push({ generation: this.generation, run });
    this.generation += 1;
    this.sweep();
  }

  /** Retirements still waiting for requests to finish. */
  get draining(): number {
    return this.waiting.length;
  }

  /** Runs every waiting retirement now (shutdown: the server has already stopped taking requests). */
  flush(): void {
    for (const item of this.waiting.splice(0)) item.run();
  }

  private sweep(): void {
    // Nearly always nothing waits (no reload under way): then there is nothing to work out per request.
    if (this.waiting.length === 0) return;
    const oldest = Math.min(...this.active.keys());
    for (let index = 0; index < this.waiting.length; ) {
      const item = this.waiting[index]!;
      if (item.generation < oldest) {
        this.waiting.splice(index, 1);
        item.run();
      } else index += 1;
    }
  }
}
