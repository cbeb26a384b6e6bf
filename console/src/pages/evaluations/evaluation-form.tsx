import { useEffect, useState, type FormEvent } from "react";
import { getJson, postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import type { EvaluationRecord } from "./evaluation-types";

interface Draft {
  name: string;
  source: "rows" | "file";
  fileId: string;
  rows: string;
  models: string[];
  extraModels: string;
  baseline: string;
  exactMatch: boolean;
  ignoreCase: boolean;
  regex: string;
  schema: string;
  judge: string;
  judgeMode: "" | "absolute" | "pairwise" | "both";
  rubric: string;
}

const EXAMPLE_ROWS = `{"messages": [{"role": "user", "content": "What is 2 plus 2? Answer with the number."}], "reference": "4"}
{"messages": [{"role": "user", "content": "Capital of France? One word."}], "reference": "Paris"}`;

const EMPTY: Draft = {
  name: "",
  source: "rows",
  fileId: "",
  rows: EXAMPLE_ROWS,
  models: [],
  extraModels: "",
  baseline: "",
  exactMatch: true,
  ignoreCase: true,
  regex: "",
  schema: "",
  judge: "",
  judgeMode: "",
  rubric: "",
};

function chosenModels(draft: Draft): string[] {
  const extra = draft.extraModels
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  return [...new Set([...draft.models, ...extra])];
}

/** The request body; a JSON mistake in the rows or the schema is reported here, before anything is sent. */
function specOf(draft: Draft): Record<string, unknown> {
  const scorers: Array<Record<string, unknown>> = [];
  if (draft.exactMatch) scorers.push({ type: "exact_match", ignore_case: draft.ignoreCase });
  if (draft.regex.trim() !== "") scorers.push({ type: "regex", pattern: draft.regex });
  if (draft.schema.trim() !== "") {
    try {
      scorers.push({ type: "json_schema", schema: JSON.parse(draft.schema) as unknown });
    } catch {
      throw new Error("The JSON Schema is not valid JSON.");
    }
  }
  if (draft.judge !== "" && draft.judgeMode !== "") {
    const rubric = draft.rubric.trim() === "" ? {} : { rubric: draft.rubric };
    if (draft.judgeMode !== "pairwise") scorers.push({ type: "llm_judge", model: draft.judge, mode: "absolute", ...rubric });
    if (draft.judgeMode !== "absolute") scorers.push({ type: "llm_judge", model: draft.judge, mode: "pairwise", ...rubric });
  }
  let dataset: Record<string, unknown>;
  if (draft.source === "file") dataset = { file_id: draft.fileId.trim() };
  else {
    const rows = draft.rows
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line, index) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new Error(`Row ${index + 1} is not JSON.`);
        }
      });
    dataset = { rows };
  }
  return { ...(draft.name.trim() === "" ? {} : { name: draft.name.trim() }), dataset, models: chosenModels(draft), scorers, ...(draft.baseline === "" ? {} : { baseline: draft.baseline }) };
}

/** Starts an evaluation: a dataset, the models to compare, and how to score them. */
export function EvaluationForm({ onStarted }: { onStarted: (record: EvaluationRecord) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [available, setAvailable] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getJson<{ data: Array<{ id: string }> }>("/v1/models").then((list) => setAvailable(list.data.map((model) => model.id)), setError);
  }, []);

  const set = <Name extends keyof Draft>(name: Name, value: Draft[Name]) => setDraft((current) => ({ ...current, [name]: value }));
  const models = chosenModels(draft);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    let body: Record<string, unknown>;
    try {
      body = specOf(draft);
    } catch (caught) {
      setError(caught);
      return;
    }
    setBusy(true);
    postJson<EvaluationRecord>("/admin/evaluations", body)
      .then(onStarted, setError)
      .finally(() => setBusy(false));
  };

  return (
    <form onSubmit={submit} data-testid="evaluation-form" aria-label="New evaluation">
      <h2>New evaluation</h2>
      <label>
        Name
        <input name="name" value={draft.name} onChange={(event) => set("name", event.target.value)} placeholder="optional" />
      </label>
      <fieldset>
        <legend>Dataset</legend>
        <label className="inline">
          <input type="radio" name="source" checked={draft.source === "rows"} onChange={() => set("source", "rows")} /> rows here
        </label>
        <label className="inline">
          <input type="radio" name="source" checked={draft.source === "file"} onChange={() => set("source", "file")} /> a stored file
        </label>
        {draft.source === "file" ? (
          <label>
            File id
            <input name="file_id" value={draft.fileId} onChange={(event) => set("fileId", event.target.value)} placeholder="file-..." />
          </label>
        ) : (
          <label>
            Rows, one JSON object a line: messages, and a reference where there is one
            <textarea name="rows" rows={5} value={draft.rows} onChange={(event) => set("rows", event.target.value)} />
          </label>
        )}
      </fieldset>
      <fieldset>
        <legend>Models to compare</legend>
        {available.map((name) => (
          <label className="inline" key={name}>
            <input
              type="checkbox"
              name="model"
              value={name}
              checked={draft.models.includes(name)}
              onChange={(event) => set("models", event.target.checked ? [...draft.models, name] : draft.models.filter((model) => model !== name))}
            />{" "}
            {name}
          </label>
        ))}
        <label>
          Other models or deployments (comma-separated)
          <input name="extra_models" value={draft.extraModels} onChange={(event) => set("extraModels", event.target.value)} placeholder="ft:..., my-deployment" />
        </label>
        <label>
          Baseline for pairwise judging
          <select name="baseline" value={draft.baseline} onChange={(event) => set("baseline", event.target.value)}>
            <option value="">the first model</option>
            {models.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <fieldset>
        <legend>Scorers</legend>
        <label className="inline">
          <input type="checkbox" name="exact_match" checked={draft.exactMatch} onChange={(event) => set("exactMatch", event.target.checked)} /> exact match with the reference
        </label>
        <label className="inline">
          <input type="checkbox" name="ignore_case" checked={draft.ignoreCase} onChange={(event) => set("ignoreCase", event.target.checked)} /> ignoring case
        </label>
        <label>
          Regular expression the answer must match
          <input name="regex" value={draft.regex} onChange={(event) => set("regex", event.target.value)} placeholder="optional, e.g. ^\d+$" />
        </label>
        <label>
          JSON Schema the answer must satisfy
          <textarea name="schema" rows={2} value={draft.schema} onChange={(event) => set("schema", event.target.value)} placeholder='optional, e.g. {"type": "object"}' />
        </label>
        <div className="form-row">
          <label>
            Judge model
            <select name="judge" value={draft.judge} onChange={(event) => set("judge", event.target.value)}>
              <option value="">no judge</option>
              {available.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Judging
            <select name="judge_mode" value={draft.judgeMode} onChange={(event) => set("judgeMode", event.target.value as Draft["judgeMode"])}>
              <option value="">none</option>
              <option value="absolute">absolute score from a rubric</option>
              <option value="pairwise">pairwise against the baseline</option>
              <option value="both">both</option>
            </select>
          </label>
        </div>
        <label>
          Rubric for the judge
          <input name="rubric" value={draft.rubric} onChange={(event) => set("rubric", event.target.value)} placeholder="optional" />
        </label>
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={busy || models.length === 0}>
          Start evaluation
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
