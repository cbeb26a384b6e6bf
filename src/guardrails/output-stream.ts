import type { StreamPart } from "../core/types.js";
import type { OutputAction } from "./config.js";
import type { DetectorSet } from "./detectors/index.js";
import { OutputScanner } from "./output-scanner.js";
import { StreamingUnmasker } from "./streaming-unmasker.js";
import type { MaskVault } from "./vault.js";

export interface OutputGuardOptions {
  vault: MaskVault;
  detectors: DetectorSet;
  policy: ReadonlyMap<string, OutputAction>;
  window: number;
  onAction(category: string, action: OutputAction): void;
}

/** One stream of deltas (the text, the reasoning, or one tool call's arguments): checks, then unmasking. */
class Channel {
  private readonly scanner: OutputScanner;
  private readonly unmasker: StreamingUnmasker;

  constructor(
    options: OutputGuardOptions,
    readonly make: (text: string) => StreamPart,
    json: boolean,
  ) {
    this.scanner = new OutputScanner(options.detectors, options.policy, options.window, options.onAction);
    this.unmasker = new StreamingUnmasker(options.vault, json);
  }

  push(delta: string): string {
    return this.unmasker.push(this.scanner.push(delta));
  }

  flush(): string {
    return this.unmasker.push(this.scanner.flush()) + this.unmasker.flush();
  }
}

/**
 * The response side of the guardrails: output checks on the masked text (so a value the client
 * itself sent is not flagged when it comes back), then placeholders restored. Text held back in one
 * channel is flushed before a part of any other kind goes out, so the order of parts is kept.
 */
export async function* guardOutput(stream: AsyncIterable<StreamPart>, options: OutputGuardOptions): AsyncGenerator<StreamPart> {
  const channels = new Map<string, Channel>();
  const channel = (key: string, make: (text: string) => StreamPart, json: boolean): Channel => {
    let found = channels.get(key);
    if (!found) {
      found = new Channel(options, make, json);
      channels.set(key, found);
    }
    return found;
  };
  function* flushExcept(key?: string): Generator<StreamPart> {
    for (const [name, open] of channels) {
      if (name === key) continue;
      const rest = open.flush();
      channels.delete(name);
      if (rest.length > 0) yield open.make(rest);
    }
  }

  try {
    for await (const part of stream) {
      let key: string | undefined;
      let target: Channel | undefined;
      let delta = "";
      if (part.type === "text-delta") {
        key = "text";
        target = channel(key, (text) => ({ type: "text-delta", text }), false);
        delta = part.text;
      } else if (part.type === "reasoning-delta" && part.signature === undefined) {
        key = "reasoning";
        target = channel(key, (text) => ({ type: "reasoning-delta", text }), false);
        delta = part.text;
      } else if (part.type === "tool-call-delta") {
        key = `tool:${part.index}`;
        const index = part.index;
        target = channel(key, (text) => ({ type: "tool-call-delta", index, argumentsDelta: text }), true);
        delta = part.argumentsDelta;
      }
      yield* flushExcept(key);
      if (target) {
        const out = target.push(delta);
        if (out.length > 0) yield target.make(out);
      } else {
        yield part;
      }
    }
    yield* flushExcept();
  } catch (error) {
    // A blocked response ends the stream with an error part; the edge turns it into its own error.
    yield { type: "error", error };
  }
}
