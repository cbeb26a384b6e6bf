/**
 * Polls `probe` until it yields something other than undefined or false; fails naming `what` once
 * `deadlineMs` has passed, so a wait that never ends says what it was waiting for.
 */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, deadlineMs: number, what: string, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
