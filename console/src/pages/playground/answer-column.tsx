import { answerCost, tokensPerSecond, type ChatStats } from "../../chat-stream";
import { RouteFeedback } from "../../components/route-feedback";
import type { CatalogModel } from "../models/catalog";

export interface Column {
  /** Stable across removals, for React keys and labels' ids. */
  id: number;
  model: string;
  output: string;
  stats?: ChatStats;
  error?: string;
  running: boolean;
}

const milliseconds = (value: number | undefined) => (value === undefined ? "—" : `${value.toFixed(0)} ms`);

export function formatCost(usd: number | undefined): string {
  if (usd === undefined) return "—";
  if (usd === 0) return "$0";
  // Two significant digits however small (a short answer costs millionths of a dollar).
  const digits = usd < 0.01 ? Math.min(12, 1 - Math.floor(Math.log10(usd))) : 4;
  return `$${usd.toFixed(digits)}`;
}

/** One model's answer: the streamed text, its tool calls, and what it took (time, speed, tokens, cost). */
export function AnswerColumn(props: {
  column: Column;
  index: number;
  models: CatalogModel[];
  canRemove: boolean;
  onModel: (model: string) => void;
  onRemove: () => void;
}) {
  const { column, index } = props;
  const pricing = props.models.find((model) => model.id === column.model)?.pricing;
  const stats = column.stats;
  const speed = stats && tokensPerSecond(stats);
  return (
    <article className="column" data-testid={`column-${index}`} aria-label={`Answer ${index + 1}`} aria-busy={column.running}>
      <div className="column-head">
        <label>
          Model {index + 1}
          <select value={column.model} onChange={(event) => props.onModel(event.target.value)}>
            {/* A model handed over by another page (a fine-tune, a provider/model name) that the catalog does not list. */}
            {column.model && !props.models.some((model) => model.id === column.model) && <option value={column.model}>{column.model}</option>}
            {props.models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.id}
              </option>
            ))}
          </select>
        </label>
        {props.canRemove && (
          <button type="button" className="secondary small" onClick={props.onRemove} disabled={column.running}>
            Remove<span className="visually-hidden"> model {index + 1}</span>
          </button>
        )}
      </div>
      <pre className="output">{column.output || (column.running ? "…" : "")}</pre>
      {stats && stats.toolCalls.length > 0 && (
        <ul className="tool-calls" aria-label="Tool calls">
          {stats.toolCalls.map((call, at) => (
            <li key={at} className="mono">
              {call.name}({call.arguments})
            </li>
          ))}
        </ul>
      )}
      {column.error && (
        <p className="error" role="alert">
          {column.error}
        </p>
      )}
      {stats && (
        <dl className="stats answer-stats">
          <dt>Provider</dt>
          <dd>{stats.provider ?? "?"}</dd>
          <dt>Latency</dt>
          <dd data-testid="latency">{milliseconds(stats.totalMs)}</dd>
          <dt>First token</dt>
          <dd data-testid="ttft">{milliseconds(stats.ttftMs)}</dd>
          <dt>Speed</dt>
          <dd data-testid="speed">{speed === undefined ? "—" : `${speed.toFixed(1)} tokens/s`}</dd>
          <dt>Tokens</dt>
          <dd data-testid="tokens">
            {stats.inputTokens ?? "?"} in{stats.cachedInputTokens ? ` (${stats.cachedInputTokens} cached)` : ""} · {stats.outputTokens ?? "?"} out
          </dd>
          <dt>Cost</dt>
          <dd data-testid="cost">{pricing ? formatCost(answerCost(stats, pricing)) : "no price known"}</dd>
          {stats.finishReason && stats.finishReason !== "stop" && (
            <>
              <dt>Finished</dt>
              <dd>{stats.finishReason}</dd>
            </>
          )}
        </dl>
      )}
      {stats && <RouteFeedback stats={stats} />}
    </article>
  );
}
