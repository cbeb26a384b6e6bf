import { useEffect, useRef, useState } from "react";
import { allows, useAccess, type PageNeed } from "../access";
import { streamCompletion, type ChatOptions } from "../chat-stream";
import { ErrorNote } from "../components/error-note";
import type { PageProps } from "../page-list";
import { clearPlaygroundDraft, peekPlaygroundDraft } from "../playground-draft";
import { loadCatalog, type CatalogModel } from "./models/catalog";
import { AnswerColumn, type Column } from "./playground/answer-column";
import { SaveDeployment } from "./playground/save-deployment";
import { chatOptionsOf, DEFAULT_SETTINGS } from "./playground/settings";
import { SettingsForm } from "./playground/settings-form";

/** Side by side: up to this many models answer the same prompt. */
const MAX_COLUMNS = 4;

/** Deployments are saved through the admin API: the master key, or a project admin into its own project. */
const SAVE_DEPLOYMENTS: PageNeed = "admin-write";

/**
 * One prompt, one to four models, streamed at once, with parameters, response format and tools; each answer
 * shows latency, time to first token, speed, tokens and cost. `#playground/<model>` opens with that model first.
 */
export function PlaygroundPage({ subpath }: PageProps) {
  const access = useAccess();
  // A conversation opened from another page (the request log) pre-fills the first column.
  const [draft] = useState(peekPlaygroundDraft);
  useEffect(clearPlaygroundDraft, []);
  const [models, setModels] = useState<CatalogModel[]>([]);
  const [system, setSystem] = useState(draft?.system ?? "You are a helpful assistant.");
  const [prompt, setPrompt] = useState(draft?.prompt ?? "");
  const [settings, setSettings] = useState(DEFAULT_SETTINGS);
  const [problem, setProblem] = useState<unknown>();
  const nextId = useRef(2);
  const running = useRef<AbortController | undefined>(undefined);
  const [columns, setColumns] = useState<Column[]>([
    { id: 0, model: draft?.model ?? subpath, output: "", running: false },
    { id: 1, model: draft?.compare ?? "", output: "", running: false },
  ]);

  useEffect(() => {
    loadCatalog().then((list) => {
      setModels(list);
      const ids = list.map((model) => model.id);
      // Fill empty columns with different models where there are enough, so a first Run compares something.
      setColumns((current) => current.map((column, index) => ({ ...column, model: column.model || ids.find((id) => !current.some((other) => other.model === id)) || ids[index] || ids[0] || "" })));
    }, setProblem);
    return () => running.current?.abort();
  }, []);

  const update = (id: number, patch: Partial<Column> | ((column: Column) => Partial<Column>)) =>
    setColumns((current) => current.map((column) => (column.id === id ? { ...column, ...(typeof patch === "function" ? patch(column) : patch) } : column)));

  const run = () => {
    let options: ChatOptions;
    try {
      options = chatOptionsOf(settings);
    } catch (error) {
      setProblem(error);
      return;
    }
    setProblem(undefined);
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    const messages = [...(system.trim() ? [{ role: "system", content: system }] : []), { role: "user", content: prompt }];
    for (const column of columns) {
      update(column.id, { output: "", error: undefined, stats: undefined, running: true });
      streamCompletion(column.model, messages, options, (text) => update(column.id, (current) => ({ output: current.output + text })), controller.signal).then(
        (stats) => update(column.id, { stats, running: false }),
        (error: unknown) =>
          update(column.id, { error: controller.signal.aborted ? "Stopped." : error instanceof Error ? error.message : String(error), running: false }),
      );
    }
  };

  const busy = columns.some((column) => column.running);
  return (
    <section className="playground">
      <h1>Playground</h1>
      <div className="playground-inputs">
        <div>
          <label>
            System prompt
            <textarea rows={2} value={system} onChange={(event) => setSystem(event.target.value)} />
          </label>
          <label>
            Message
            <textarea rows={4} value={prompt} placeholder="Ask something…" onChange={(event) => setPrompt(event.target.value)} />
          </label>
        </div>
        <SettingsForm settings={settings} onChange={setSettings} />
      </div>
      <ErrorNote error={problem} />
      <div className="actions">
        <button type="button" onClick={run} disabled={busy || !prompt.trim() || columns.some((column) => !column.model)}>
          Run
        </button>
        <button type="button" className="secondary" onClick={() => running.current?.abort()} disabled={!busy}>
          Stop
        </button>
        <button
          type="button"
          className="secondary"
          disabled={columns.length >= MAX_COLUMNS}
          onClick={() => setColumns((current) => [...current, { id: nextId.current++, model: models[0]?.id ?? "", output: "", running: false }])}
        >
          Add model
        </button>
      </div>
      <div className="compare">
        {columns.map((column, index) => (
          <AnswerColumn
            key={column.id}
            column={column}
            index={index}
            models={models}
            canRemove={columns.length > 1}
            onModel={(model) => update(column.id, { model })}
            onRemove={() => setColumns((current) => current.filter((other) => other.id !== column.id))}
          />
        ))}
      </div>
      {allows(access, SAVE_DEPLOYMENTS) && (
        <SaveDeployment models={columns.map((column) => column.model)} system={system} options={() => chatOptionsOf(settings)} />
      )}
    </section>
  );
}
