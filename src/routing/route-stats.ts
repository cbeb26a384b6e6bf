/** Per-route live figures for the balancing strategies: EWMA of time to first part, and requests in flight. */
export class RouteStats {
  private readonly latency = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly alpha = 0.3) {}

  /** Latency in ms; failures count as slow so least-latency steers away from a failing route. */
  observe(key: string, milliseconds: number): void {
    const previous = this.latency.get(key);
    this.latency.set(key, previous === undefined ? milliseconds : previous + this.alpha * (milliseconds - previous));
  }

  latencyOf(key: string): number | undefined {
    return this.latency.get(key);
  }

  begin(key: string): void {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
  }

  end(key: string): void {
    const next = (this.inFlight.get(key) ?? 1) - 1;
    if (next <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, next);
  }

  busyOf(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }
}
