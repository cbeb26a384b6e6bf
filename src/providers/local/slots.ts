import { SwitchyardError } from "../../core/errors.js";

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/**
 * A counting semaphore with a bounded wait line: `capacity` holders at once, at most `queueSize`
 * waiting; one more is refused at once with 429 SWY_ERR_QUEUE_FULL and Retry-After.
 */
export class Slots {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly capacity: number,
    readonly queueSize: number,
    private readonly label: string,
  ) {}

  get inUse(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.active < this.capacity) {
      this.active++;
      return this.releaser();
    }
    if (this.waiting.length >= this.queueSize) {
      throw new SwitchyardError(
        "SWY_ERR_QUEUE_FULL",
        `The local model '${this.label}' is busy: ${this.active} requests running and ${this.waiting.length} waiting. Retry shortly.`,
        { retryAfterSeconds: Math.max(1, Math.ceil(this.waiting.length / this.capacity)) },
      );
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) {
        // The slot passes straight to the next waiter; `active` stays the same.
        next.signal.removeEventListener("abort", next.onAbort);
        next.resolve();
      } else {
        this.active--;
      }
    };
  }
}
