/**
 * Which node runs which fine-tuning job. A node holds a lease on every job it runs and renews it
 * every third of the lease; a node that dies stops renewing, and once the lease has expired another
 * node's scan claims the job (one conditional UPDATE, so exactly one wins) and resumes it.
 */
import type { Logger } from "../../observability/logger.js";
import type { JobStore } from "./job-store.js";
import type { JobRecord } from "./types.js";

export interface JobLeaseOptions {
  jobs: JobStore;
  nodeId: string;
  leaseMs: number;
  logger: Logger;
  /** Called with a job this node just claimed (start it). */
  resume(record: JobRecord): void;
  /** Called when this node no longer holds a job it runs (cancelled elsewhere, or taken over). */
  lost(id: string): void;
}

export class JobLeases {
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: JobLeaseOptions) {}

  get nodeId(): string {
    return this.options.nodeId;
  }

  until(): number {
    return Date.now() + this.options.leaseMs;
  }

  /** A job this node created (inserted with its lease) or claimed. */
  hold(id: string): void {
    this.held.add(id);
  }

  /** The job ended here: stop renewing it. */
  drop(id: string): void {
    this.held.delete(id);
  }

  /** Claims what is free now, then renews and scans on a timer. */
  async start(): Promise<void> {
    await this.scan();
    // A third of the lease: two renewals may fail (a slow database) before the lease runs out.
    this.timer = setInterval(() => void this.tick(), Math.max(250, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  /** Claims every unfinished job whose lease is free or expired. */
  scan(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.scanning ??= this.claimFree().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async claimFree(): Promise<void> {
    for (const record of await this.options.jobs.claimable()) {
      if (this.held.has(record.id)) continue;
      if (await this.options.jobs.claim(record.id, this.options.nodeId, this.until())) {
        this.held.add(record.id);
        this.options.resume(record);
      }
    }
  }

  private async tick(): Promise<void> {
    try {
      const ids = [...this.held];
      const kept = await this.options.jobs.renew(ids, this.options.nodeId, this.until());
      for (const id of ids) {
        if (kept.has(id) || !this.held.has(id)) continue;
        this.held.delete(id);
        this.options.lost(id);
      }
      await this.scan();
    } catch (error) {
      this.options.logger.warn({ err: error }, "fine-tuning leases: renew or scan failed");
    }
  }

  /** Stops renewing and claiming (shutdown: the running jobs are stopped next, then released). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.scanning?.catch(() => undefined);
  }

  /** Hands every held job back at once, so another node resumes it without waiting for the lease to expire. */
  async release(): Promise<void> {
    await this.stop();
    const ids = [...this.held];
    this.held.clear();
    await this.options.jobs.release(ids, this.options.nodeId).catch((error: unknown) => this.options.logger.warn({ err: error }, "fine-tuning leases: release failed"));
  }
}
