/**
 * What `createApp` has opened so far (database, Redis, telemetry, providers). When a later step
 * fails (a bad config section), everything already opened is closed, newest first, so a failed
 * start leaks no connection or timer, and the step's own error is what the caller sees.
 */
export class OpenedResources {
  private readonly closers: Array<() => unknown> = [];

  add(close: () => unknown): void {
    this.closers.unshift(close);
  }

  /** Runs one assembly step; on failure closes what is open and rethrows the step's error. */
  async step<T>(run: () => T | Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      await this.closeAll();
      throw error;
    }
  }

  private async closeAll(): Promise<void> {
    for (const close of this.closers.splice(0)) {
      try {
        await close();
      } catch {
        // The step's error is the one worth reporting; a close failing on top of it is noise.
      }
    }
  }
}
