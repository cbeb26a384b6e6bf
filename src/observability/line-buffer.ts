import type { DestinationStream } from "pino";

/** What the buffer hands its lines to: pino's asynchronous destination (sonic-boom). */
export interface LineTarget {
  write(data: string): unknown;
  flush?(callback?: (error?: Error) => void): void;
  flushSync?(): void;
  end?(): void;
}

/** Live buffers, so the process's exit hands their lines over first (weakly held: a dropped logger is not kept). */
const live = new Set<WeakRef<LineBuffer>>();

function handOverAll(): void {
  for (const reference of live) {
    const buffer = reference.deref();
    if (!buffer) {
      live.delete(reference);
      continue;
    }
    try {
      buffer.handOver();
    } catch {
      // The destination was already closed: nothing more can reach it, as before.
    }
  }
}

// Prepended, so this runs before pino's own exit handling flushes or ends the destinations.
process.prependListener("beforeExit", handOverAll);
process.prependListener("exit", handOverAll);

/**
 * Collects log lines and hands them to the destination `minLength` characters at a time, and
 * whatever is collected at the end of each turn of the event loop.
 *
 * sonic-boom measures the UTF-8 length of the whole string it holds on every write (it appends each
 * line to one string and calls `Buffer.byteLength` on it), which flattens a string of up to 16 KB per
 * line: ~3-4 us of each request's log line on the gateway's logger. Here a line is only appended;
 * the destination sees one write per few kilobytes. Lines keep their order, `flush`/`flushSync`/`end`
 * hand the rest over first, and the process's `beforeExit` and `exit` do too, before pino flushes the
 * destination, so nothing is lost at exit that was not lost before.
 */
export class LineBuffer implements DestinationStream {
  private pending = "";
  private scheduled = false;
  private readonly handOverThisTurn = () => {
    this.scheduled = false;
    this.handOver();
  };

  constructor(
    private readonly target: LineTarget,
    private readonly minLength = 4096,
  ) {
    live.add(new WeakRef(this));
  }

  /**
   * Lines written in one turn of the event loop go over together at the end of the turn (its
   * setImmediate phase), or sooner once a few kilobytes are collected: a line never waits for
   * later traffic, so a quiet gateway's log (`tail -f`, a container's log) stays current.
   */
  write(line: string): void {
    this.pending += line;
    if (this.pending.length >= this.minLength) this.handOver();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.handOverThisTurn);
    }
  }

  /** Gives the destination what is collected so far. */
  handOver(): void {
    if (this.pending === "") return;
    const chunk = this.pending;
    this.pending = "";
    this.target.write(chunk);
  }

  /** pino's `logger.flush(callback)` comes here: the callback runs once the destination has written it all. */
  flush(callback?: (error?: Error) => void): void {
    this.handOver();
    if (this.target.flush) this.target.flush(callback);
    else callback?.();
  }

  flushSync(): void {
    this.handOver();
    this.target.flushSync?.();
  }

  end(): void {
    this.handOver();
    this.target.end?.();
  }
}
