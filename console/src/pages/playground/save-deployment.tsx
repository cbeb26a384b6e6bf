import { useState } from "react";
import { putJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import type { ChatOptions } from "../../chat-stream";

interface SavedDeployment {
  name: string;
  version: number;
}

/**
 * Saves what is in the playground as a named deployment (`PUT /admin/deployments/<name>`, a new version each
 * time): one column's model, or every column as equally weighted A/B variants, with the system prompt and the
 * sampling parameters. Response format and tools stay with each request: a deployment does not carry them.
 */
export function SaveDeployment(props: { models: string[]; system: string; options: () => ChatOptions }) {
  const [name, setName] = useState("");
  const [source, setSource] = useState("0");
  const [description, setDescription] = useState("");
  const [saved, setSaved] = useState<SavedDeployment>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setError(undefined);
    setSaved(undefined);
    setBusy(true);
    try {
      const options = props.options();
      const parameters = { ...(options.temperature !== undefined && { temperature: options.temperature }), ...(options.max_tokens !== undefined && { max_tokens: options.max_tokens }) };
      const target =
        source === "all"
          ? { variants: props.models.map((model, index) => ({ name: `column-${index + 1}`, model, weight: 1 })) }
          : { model: props.models[Number(source)] ?? props.models[0] };
      const spec = {
        ...(description.trim() && { description: description.trim() }),
        ...target,
        ...(props.system.trim() && { system_prompt: props.system }),
        parameters,
      };
      setSaved(await putJson<SavedDeployment>(`/admin/deployments/${encodeURIComponent(name.trim())}`, spec));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="save-deployment"
      aria-labelledby="save-deployment-title"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h2 id="save-deployment-title">Save as a deployment</h2>
      <p className="muted">A name callers use as the model; it keeps the system prompt, temperature and max tokens. Saving again adds a version.</p>
      <div className="form-row">
        <label>
          Deployment name
          <input value={name} required pattern="[A-Za-z0-9._:\-]{1,128}" title="letters, digits, . _ : - only" onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          From
          <select value={source} onChange={(event) => setSource(event.target.value)}>
            {props.models.map((model, index) => (
              <option key={index} value={String(index)}>
                model {index + 1}: {model}
              </option>
            ))}
            {props.models.length > 1 && <option value="all">all models, as A/B variants</option>}
          </select>
        </label>
        <label>
          Description
          <input value={description} placeholder="optional" onChange={(event) => setDescription(event.target.value)} />
        </label>
      </div>
      <button type="submit" disabled={busy || name.trim() === ""}>
        Save deployment
      </button>
      <ErrorNote error={error} />
      {saved && (
        <p className="notice" role="status">
          Saved <strong>{saved.name}</strong> as version {saved.version}. Call it with <code>"model": "{saved.name}"</code>.
        </p>
      )}
    </form>
  );
}
