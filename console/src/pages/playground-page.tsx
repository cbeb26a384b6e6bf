import { useEffect, useState } from "react";
import { getJson, streamChat, type StreamStats } from "../api";
import { RouteFeedback } from "../components/route-feedback";
import type { PageProps } from "../page-list";
import { clearPlaygroundDraft, peekPlaygroundDraft } from "../playground-draft";

interface Column {
  model: string;
  output: string;
  stats?: StreamStats;
  error?: string;
  running: boolean;
}

/** Side-by-side comparison: one prompt, several models, streamed at once. */
export function PlaygroundPage({ subpath }: PageProps) {
  // A conversation opened from another page (the request log) pre-fills the first column.
  const [draft] = useState(peekPlaygroundDraft);
  useEffect(clearPlaygroundDraft, []);
  const [models, setModels] = useState<string[]>([]);
  const [system, setSystem] = useState(draft?.system ?? "You are a helpful assistant.");
  const [prompt, setPrompt] = useState(draft?.prompt ?? "");
  const [columns, setColumns] = useState<Column[]>([
    { model: draft?.model ?? subpath, output: "", running: false },
    { model: draft?.compare ?? "", output: "", running: false },
  ]);

  useEffect(() => {
    getJson<{ data: Array<{ id: string }> }>("/v1/models")
      .then((list) => {
        const ids = list.data.map((model) => model.id);
        setModels(ids);
        setColumns((current) => current.map((column, index) => ({ ...column, model: column.model || ids[index] || ids[0] || "" })));
      })
      .catch(() => setModels([]));
  }, []);

  const update = (index: number, patch: Partial<Column>) =>
    setColumns((current) => current.map((column, at) => (at === index ? { ...column, ...patch } : column)));

  const run = () => {
    const messages = [
      ...(system.trim() ? [{ role: "system", content: system }] : []),
      { role: "user", content: prompt },
    ];
    columns.forEach((column, index) => {
      update(index, { output: "", error: undefined, stats: undefined, running: true });
      streamChat(column.model, messages, (text) =>
        setColumns((current) => current.map((item, at) => (at === index ? { ...item, output: item.output + text } : item))),
      ).then(
        (stats) => update(index, { stats, running: false }),
        (error: unknown) => update(index, { error: error instanceof Error ? error.message : String(error), running: false }),
      );
    });
  };

  return (
    <section>
      <h1>Playground</h1>
      <label>
        System prompt
        <textarea rows={2} value={system} onChange={(event) => setSystem(event.target.value)} />
      </label>
      <label>
        Message
        <textarea rows={3} value={prompt} placeholder="Ask something…" onChange={(event) => setPrompt(event.target.value)} />
      </label>
      <div className="actions">
        <button onClick={run} disabled={!prompt.trim() || columns.some((column) => !column.model)}>
          Run
        </button>
        <button onClick={() => setColumns((current) => [...current, { model: models[0] ?? "", output: "", running: false }])}>Add model</button>
      </div>
      <div className="compare">
        {columns.map((column, index) => (
          <article key={index} className="column" data-testid={`column-${index}`}>
            <select value={column.model} onChange={(event) => update(index, { model: event.target.value })}>
              {models.map((id) => (
                <option key={id}>{id}</option>
              ))}
            </select>
            <pre className="output">{column.output || (column.running ? "…" : "")}</pre>
            {column.error && <p className="error">{column.error}</p>}
            {column.stats && (
              <p className="muted stats">
                {column.stats.provider ?? "?"} · first token {column.stats.ttftMs?.toFixed(0) ?? "–"} ms · total {column.stats.totalMs.toFixed(0)} ms
                {column.stats.outputTokens !== undefined && ` · ${column.stats.outputTokens} tokens`}
              </p>
            )}
            {column.stats && <RouteFeedback stats={column.stats} />}
          </article>
        ))}
      </div>
    </section>
  );
}
