import type { Logger } from "../observability/logger.js";
import type { ModelRegistry } from "../routing/model-registry.js";
import type { LoadedConfig } from "./load.js";

/**
 * Whether the built-in providers are in, as of the config file last read (at start and on each
 * reload): the 404 hint for a left-out built-in provider, a warning when the set left out changes,
 * and what `GET /v1/providers` tells the console about adding a key.
 */
export class BuiltinProviderState {
  /** Absent for a config object (tests, embedding), which is taken as given. */
  mode: LoadedConfig["builtins"] | undefined;
  private dropped: readonly string[] = [];
  private models: ModelRegistry | undefined;

  constructor(private readonly logger: Logger) {}

  /** The registry whose 404s name the left-out providers (it exists only once the runtime is built). */
  attach(models: ModelRegistry): void {
    this.models = models;
    models.setDroppedBuiltins(this.dropped);
  }

  update(file: Partial<Pick<LoadedConfig, "builtins" | "droppedBuiltins" | "source">>): void {
    this.mode = file.builtins;
    const dropped = file.droppedBuiltins ?? [];
    if (dropped.length > 0 && dropped.join() !== this.dropped.join()) {
      this.logger.warn(
        { notAdded: dropped },
        `${file.source ?? "The config file"} has a providers: section, so the built-in providers (${dropped.join(", ")}) are not added; requests such as ${dropped[0]}/<model> answer 404. Add them to providers: (e.g. local: {type: local}) or remove the section to keep the built-in ones.`,
      );
    }
    this.dropped = dropped;
    this.models?.setDroppedBuiltins(dropped);
  }
}
