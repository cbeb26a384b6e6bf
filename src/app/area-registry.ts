import type { ChatMiddleware } from "../gateway/pipeline.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import { middlewareList, type Area } from "./area.js";

/**
 * The areas `createApp` has opened, in order. When a later step fails (a bad config section),
 * everything already opened is closed, newest first, so a failed start leaks no connection or
 * timer and the step's own error is what the caller sees. `close()` does the same on shutdown.
 */
export class AreaRegistry {
  private readonly areas: Area[] = [];
  private closing?: Promise<void>;

  /** Opens one area; on failure closes what is open and rethrows the step's error. */
  async open<T extends Area>(build: () => T | Promise<T>): Promise<T> {
    try {
      const area = await build();
      this.areas.push(area);
      return area;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Chat middleware of the given areas, in that order (the first is outermost). */
  middlewares(order: readonly Area[]): ChatMiddleware[] {
    return order.flatMap((area) => middlewareList(area.middleware));
  }

  callMiddlewares(order: readonly Area[]): ChatMiddleware[] {
    return order.flatMap((area) => middlewareList(area.callMiddleware));
  }

  /** Every opened area's routes, in the order the areas were opened. */
  routes(): RouteRegistrar[] {
    return this.areas.flatMap((area) => (area.routes ? [area.routes] : []));
  }

  /** Closes every area once, newest first; a failing close does not stop the others. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const area of this.areas.splice(0).reverse()) {
        try {
          await area.close();
        } catch {
          // Shutdown goes on: one area's failure to close must not keep the others open.
        }
      }
    })();
    return this.closing;
  }
}
