import { format } from "node:util";
import { Counter, Histogram, type Aggregator, type CounterConfiguration, type HistogramConfiguration, type LabelValues, type MetricObjectWithValues, type MetricType, type MetricValue, type MetricValueWithName } from "prom-client";

/**
 * Counters and histograms whose label sets can be bound once and updated without per-call hashing.
 *
 * prom-client hashes and validates the label object on every `inc`/`observe`, and its `labels(...)`
 * children do the same (~1 us a call, seven calls per chat request). These subclasses keep their own
 * series, in the order each was first observed, and hand out a `series(labels)` that updates numbers
 * directly; `inc`/`observe`/`labels`/`zero`/`remove`/`reset` keep prom-client's meaning on the same
 * series, and `get()`/`getForPromString()` answer in prom-client's own shapes, so the registry writes
 * the `/metrics` text it wrote before, byte for byte (test/observability/bound-metrics.test.ts).
 * Exemplars are not supported.
 */

/** Shared by the metrics of one set: bumped by any `reset`/`remove`, so caches of bound series know to bind again. */
export class SeriesEpoch {
  value = 0;
}

/** What prom-client's `Metric` keeps from its configuration (not in its type declarations). */
interface MetricFields {
  name: string;
  help: string;
  type: MetricType;
  aggregator: Aggregator;
  collect?: () => unknown;
}

/** prom-client's `get()` answer for a metric's values (its declared type also names `collect`, which it never returns). */
function metricObject<V extends MetricValue<string>>(metric: object, values: V[]): MetricObjectWithValues<V> {
  const { name, help, type, aggregator } = metric as MetricFields;
  return { help, name, type, values, aggregator } as MetricObjectWithValues<V>;
}

/** Runs a metric's `collect` callback, as prom-client does before reading its values. */
async function collected(metric: object): Promise<void> {
  const { collect } = metric as MetricFields;
  if (collect) await collect.call(metric);
}

/** prom-client's series key: `name:value,` for each label name in sorted order, undefined values skipped. */
function seriesKey(sortedNames: readonly string[], labels: Record<string, unknown>): string {
  let key = "";
  for (const name of sortedNames) {
    const value = labels[name];
    if (value !== undefined) key += `${name}:${String(value)},`;
  }
  return key;
}

function checkLabelNames(labelNames: readonly string[], labels: Record<string, unknown>): void {
  for (const name in labels) {
    if (!labelNames.includes(name)) throw new Error(`Added label "${name}" is not included in initial labelset: ${format(labelNames)}`);
  }
}

/** Positional label values or one label object, as prom-client's `labels(...)` and `remove(...)` take them. */
function labelsOf(labelNames: readonly string[], args: unknown[]): Record<string, unknown> {
  if (typeof args[0] === "object" && args[0] !== null) return args[0] as Record<string, unknown>;
  if (labelNames.length !== args.length) {
    throw new Error(`Invalid number of arguments (${args.length}): "${args.join(", ")}" for label names (${labelNames.length}): "${labelNames.join(", ")}".`);
  }
  const labels: Record<string, unknown> = {};
  labelNames.forEach((name, index) => (labels[name] = args[index]));
  return labels;
}

/**
 * The series of one metric: every one handed out (by key), and those observed since the last reset
 * in the order they were first observed (what prom-client lists).
 */
class SeriesStore<S extends { shown: boolean; detached: boolean }> {
  readonly byKey = new Map<string, S>();
  readonly shown = new Set<S>();

  constructor(private readonly epoch: SeriesEpoch) {}

  get(key: string, create: () => S): S {
    let series = this.byKey.get(key);
    if (!series) {
      series = create();
      this.byKey.set(key, series);
    }
    return series;
  }

  show(series: S): void {
    series.shown = true;
    this.shown.add(series);
  }

  remove(key: string): void {
    const series = this.byKey.get(key);
    if (!series) return;
    series.detached = true;
    this.byKey.delete(key);
    this.shown.delete(series);
    this.epoch.value++;
  }

  clear(): void {
    for (const series of this.byKey.values()) series.detached = true;
    this.byKey.clear();
    this.shown.clear();
    this.epoch.value++;
  }
}

/** One label set of a `BoundCounter`. */
export class CounterSeries {
  value = 0;
  shown = false;
  /** Reset or removed: no longer the metric's. */
  detached = false;

  constructor(
    private readonly owner: BoundCounter<string>,
    readonly labels: Record<string, unknown>,
  ) {}

  /** prom-client's `inc(labels, value)` for this label set. */
  inc(value?: number): void {
    // Reset or removed since it was bound: go by its labels, as an unbound call would.
    if (this.detached) return this.owner.inc(this.labels as LabelValues<string>, value);
    if (value && !Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${format(value)}`);
    if ((value as number) < 0) throw new Error("It is not possible to decrease a counter");
    if (!this.shown) this.owner.store.show(this);
    this.value += value ?? 1;
  }
}

/** A prom-client `Counter` whose label sets can be bound once with `series(labels)`. */
export class BoundCounter<T extends string> extends Counter<T> {
  /** Assigned before prom-client's constructor calls `reset()`, hence declared, not initialised. */
  declare readonly store: SeriesStore<CounterSeries>;
  declare readonly epoch: SeriesEpoch;
  private readonly names: readonly string[];
  private readonly sortedNames: readonly string[];

  constructor(config: CounterConfiguration<T>, epoch = new SeriesEpoch()) {
    if (config.enableExemplars) throw new TypeError("exemplars are not supported by BoundCounter");
    super(config);
    this.names = [...(config.labelNames ?? [])];
    this.sortedNames = [...this.names].sort();
    Object.assign(this, { epoch, store: new SeriesStore<CounterSeries>(epoch) });
    this.inc = this.incLabels as Counter<T>["inc"];
    this.reset();
  }

  /** The series of one label set, to update without hashing its labels again (not listed until observed). */
  series(labels: LabelValues<T>): CounterSeries {
    checkLabelNames(this.names, labels);
    return this.store.get(seriesKey(this.sortedNames, labels), () => new CounterSeries(this as unknown as BoundCounter<string>, labels));
  }

  private incLabels(labels?: LabelValues<T> | number, value?: number): void {
    if (typeof labels === "object" && labels !== null) return this.series(labels).inc(value);
    this.series({}).inc(labels);
  }

  override reset(): void {
    if (!this.store) return;
    this.store.clear();
    // An unlabelled counter is listed at zero from the start, as prom-client lists it.
    if (this.names.length === 0) this.store.show(this.series({}));
  }

  override remove(...args: unknown[]): void {
    const labels = labelsOf(this.names, args);
    checkLabelNames(this.names, labels);
    this.store.remove(seriesKey(this.sortedNames, labels));
  }

  override async get(): Promise<MetricObjectWithValues<MetricValue<T>>> {
    await collected(this);
    const values: Array<MetricValue<T>> = [];
    for (const series of this.store.shown) values.push({ value: series.value, labels: series.labels as Partial<Record<T, string | number>> });
    return metricObject(this, values);
  }
}

/** One label set of a `BoundHistogram`: counts per bucket (not cumulative), sum and count. */
export class HistogramSeries {
  readonly buckets: number[];
  sum = 0;
  count = 0;
  shown = false;
  detached = false;

  constructor(
    private readonly owner: BoundHistogram<string>,
    public labels: Record<string, unknown>,
  ) {
    this.buckets = new Array<number>(owner.upperBounds.length).fill(0);
  }

  /** prom-client's `observe(labels, value)` for this label set. */
  observe(value: number): void {
    if (this.detached) return this.owner.observe(this.labels as LabelValues<string>, value);
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${format(value)}`);
    if (!this.shown) this.owner.store.show(this);
    this.sum += value;
    this.count += 1;
    const bounds = this.owner.upperBounds;
    for (let index = 0; index < bounds.length; index++) {
      if (value <= bounds[index]!) {
        this.buckets[index]! += 1;
        return;
      }
    }
  }

  clear(): void {
    this.buckets.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

type PromValue<T extends string> = MetricValueWithName<T> & { sharedLabels: Record<string, unknown>; exemplar: null | undefined };

/** A prom-client `Histogram` whose label sets can be bound once with `series(labels)`. */
export class BoundHistogram<T extends string> extends Histogram<T> {
  declare readonly store: SeriesStore<HistogramSeries>;
  declare readonly epoch: SeriesEpoch;
  declare readonly upperBounds: readonly number[];
  private readonly names: readonly string[];
  private readonly sortedNames: readonly string[];

  constructor(config: HistogramConfiguration<T>, epoch = new SeriesEpoch()) {
    if (config.enableExemplars) throw new TypeError("exemplars are not supported by BoundHistogram");
    super(config);
    this.names = [...(config.labelNames ?? [])];
    this.sortedNames = [...this.names].sort();
    // prom-client's own defaults when no buckets are given.
    const bounds = (this as unknown as { buckets: number[] }).buckets;
    Object.assign(this, { epoch, store: new SeriesStore<HistogramSeries>(epoch), upperBounds: [...bounds] });
    this.observe = this.observeLabels as Histogram<T>["observe"];
    this.reset();
    // An unlabelled histogram is listed at zero from the start (but not after a reset), as prom-client lists it.
    if (this.names.length === 0) this.store.show(this.series({}));
  }

  /** The series of one label set, to update without hashing its labels again (not listed until observed). */
  series(labels: LabelValues<T>): HistogramSeries {
    checkLabelNames(this.names, labels);
    return this.store.get(seriesKey(this.sortedNames, labels), () => new HistogramSeries(this as unknown as BoundHistogram<string>, labels));
  }

  private observeLabels(labelsOrValue?: LabelValues<T> | number, value?: number): void {
    // prom-client's reading of its arguments: a label object, or the value alone.
    const labels = labelsOrValue === 0 ? 0 : labelsOrValue || {};
    if (typeof labels !== "object") return this.series({}).observe(labels as number);
    this.series(labels as LabelValues<T>).observe(value as number);
  }

  override labels(...args: unknown[]): Histogram.Internal<T> {
    const labels = labelsOf(this.names, args) as LabelValues<T>;
    checkLabelNames(this.names, labels);
    return {
      observe: (value: number) => this.observe(labels, value),
      startTimer: () => this.startTimer(labels),
    } as Histogram.Internal<T>;
  }

  override zero(labels: LabelValues<T>): void {
    const series = this.series(labels);
    series.clear();
    series.labels = labels;
    if (!series.shown) this.store.show(series);
  }

  override reset(): void {
    this.store?.clear();
  }

  override remove(...args: unknown[]): void {
    const labels = labelsOf(this.names, args);
    checkLabelNames(this.names, labels);
    this.store.remove(seriesKey(this.sortedNames, labels));
  }

  /** prom-client's shape: per series, cumulative buckets, `+Inf`, sum and count, the series labels shared. */
  async getForPromString(): Promise<MetricObjectWithValues<PromValue<T>>> {
    await collected(this);
    const { name } = this as unknown as MetricFields;
    const bucketName = `${name}_bucket`;
    const values: Array<PromValue<T>> = [];
    const value = (labels: Record<string, unknown>, number: number, metricName: string, sharedLabels: Record<string, unknown>, exemplar: null | undefined) =>
      ({ labels, sharedLabels, value: number, metricName, exemplar }) as PromValue<T>;
    for (const series of this.store.shown) {
      let total = 0;
      this.upperBounds.forEach((le, index) => {
        total += series.buckets[index]!;
        values.push(value({ le }, total, bucketName, series.labels, null));
      });
      values.push(value({ le: "+Inf" }, series.count, bucketName, series.labels, null));
      values.push(value({}, series.sum, `${name}_sum`, series.labels, undefined));
      values.push(value({}, series.count, `${name}_count`, series.labels, undefined));
    }
    return metricObject(this, values);
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    const data = await this.getForPromString();
    // prom-client's `get()` folds the shared labels into each value's own.
    const values = data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: Object.assign(labels, sharedLabels) }) as MetricValueWithName<T>);
    return { ...data, values };
  }
}
