/** A route's figures, one mutable record per route key (one map lookup per update, no re-insert). */
interface Figures {
  /** EWMA of the time to the first part, ms; undefined until the first measurement. */
  latency: number | undefined;
  inFlight: number;
}

/** Per-route live figures for the balancing strategies: EWMA of time to first part, and requests in flight. */
export class RouteStats {
  private readonly figures = new Map<string, Figures>();

  constructor(private readonly alpha = 0.3) {}

  private of(key: string): Figures {
    let figures = this.figures.get(key);
    if (figures === undefined) {
      figures = { latency: undefined, inFlight: 0 };
      this.figures.set(key, figures);
    }
    return figures;
  }

  /** Latency in ms; failures count as slow so least-latency steers away from a failing route. */
  observe(key: string, milliseconds: number): void {
    const figures = this.of(key);
    const previous = figures.latency;
    figures.latency = previous === undefined ? milliseconds : previous + this.alpha * (milliseconds - previous);
  }

  latencyOf(key: string): number | undefined {
    return this.figures.get(key)?.latency;
  }

  begin(key: string): void {
    this.of(key).inFlight++;
  }

  end(key: string): void {
    const figures = this.figures.get(key);
    if (figures !== undefined && figures.inFlight > 0) figures.inFlight--;
  }

  busyOf(key: string): number {
    return this.figures.get(key)?.inFlight ?? 0;
  }
}
