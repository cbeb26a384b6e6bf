import { useEffect, useId, useState, type FormEvent } from "react";
import { getJson } from "../../api";

/** A new knowledge base: its name, the embedding model, and how documents are cut and retrieved. */
export function CreateBaseForm(props: { onSubmit: (body: object) => Promise<void>; onCancel: () => void }) {
  const id = useId();
  const [models, setModels] = useState<string[]>([]);
  const [draft, setDraft] = useState({ name: "", description: "", embedding_model: "", chunk_tokens: "400", top_k: "4" });
  useEffect(() => {
    getJson<{ data: Array<{ id: string }> }>("/v1/models").then((list) => setModels(list.data.map((model) => model.id)), () => setModels([]));
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void props.onSubmit({
      name: draft.name.trim(),
      ...(draft.description.trim() && { description: draft.description.trim() }),
      embedding_model: draft.embedding_model,
      chunk_tokens: Number(draft.chunk_tokens),
      chunk_overlap: Math.min(60, Math.floor(Number(draft.chunk_tokens) / 4)),
      top_k: Number(draft.top_k),
    });
  };
  const field = (name: keyof typeof draft) => ({ id: `${id}-${name}`, value: draft[name], onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }) });
  return (
    <form className="panel" onSubmit={submit} aria-label="New knowledge base">
      <div className="field-grid">
        <label htmlFor={`${id}-name`}>
          Name
          <input required autoFocus {...field("name")} />
        </label>
        <label htmlFor={`${id}-embedding_model`}>
          Embedding model
          <select required {...field("embedding_model")}>
            <option value="">choose a model…</option>
            {models.map((model) => (
              <option key={model} value={model}>
                {model}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-chunk_tokens`}>
          Chunk size (tokens)
          <input type="number" min="16" max="8192" step="1" {...field("chunk_tokens")} />
        </label>
        <label htmlFor={`${id}-top_k`}>
          Chunks retrieved per question
          <input type="number" min="1" max="50" step="1" {...field("top_k")} />
        </label>
      </div>
      <label htmlFor={`${id}-description`}>
        Description (optional)
        <input {...field("description")} />
      </label>
      <div className="actions">
        <button type="submit" disabled={!draft.name.trim() || !draft.embedding_model}>
          Create knowledge base
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
