import { useId, useState, type FormEvent } from "react";
import { DatasetStats } from "./dataset-stats";
import type { DatasetFile } from "./fine-tuning-types";
import { JobEstimate } from "./job-estimate";

interface Draft {
  model: string;
  trainingFile: string;
  validationFile: string;
  epochs: string;
  learningRate: string;
  batchSize: string;
  seed: string;
  suffix: string;
  backend: "" | "local" | "openai";
}

const initial: Draft = { model: "", trainingFile: "", validationFile: "", epochs: "3", learningRate: "1", batchSize: "1", seed: "", suffix: "custom", backend: "" };

/** The job request the draft stands for; undefined until a model and a training file are chosen. */
function requestOf(draft: Draft): Record<string, unknown> | undefined {
  if (!draft.model || !draft.trainingFile) return undefined;
  const number = (value: string) => (value.trim() === "" ? "auto" : Number(value));
  return {
    model: draft.model,
    training_file: draft.trainingFile,
    ...(draft.validationFile && { validation_file: draft.validationFile }),
    hyperparameters: { n_epochs: number(draft.epochs), learning_rate_multiplier: number(draft.learningRate), batch_size: number(draft.batchSize) },
    ...(draft.seed.trim() !== "" && { seed: Number(draft.seed) }),
    ...(draft.suffix.trim() !== "" && { suffix: draft.suffix.trim() }),
    ...(draft.backend && { backend: draft.backend }),
  };
}

/** Every field labelled, the chosen dataset's validation report and the estimate shown before Start. */
export function JobForm(props: { models: string[]; files: DatasetFile[]; preferredFile?: string; onStart: (request: Record<string, unknown>) => Promise<void> }) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(initial);
  const [busy, setBusy] = useState(false);
  // A freshly uploaded dataset is the natural choice until the user picks another.
  const trainingFile = draft.trainingFile || props.preferredFile || "";
  const effective = { ...draft, trainingFile };
  const request = requestOf(effective);
  const chosen = props.files.find((file) => file.id === trainingFile);

  const field = (name: keyof Draft) => ({
    id: `${id}-${name}`,
    name,
    value: effective[name],
    onChange: (event: { target: { value: string } }) => setDraft({ ...effective, [name]: event.target.value }),
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!request) return;
    setBusy(true);
    try {
      await props.onStart(request);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel job-form" onSubmit={(event) => void submit(event)} aria-label="New fine-tuning job">
      <div className="field-grid">
        <label htmlFor={`${id}-model`}>
          Base model
          <select required {...field("model")}>
            <option value="">choose a model…</option>
            {props.models.map((model) => (
              <option key={model} value={model}>
                {model}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-trainingFile`}>
          Training dataset
          <select required {...field("trainingFile")}>
            <option value="">choose a dataset…</option>
            {props.files.map((file) => (
              <option key={file.id} value={file.id}>
                {file.filename} ({file.id})
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-validationFile`}>
          Validation dataset (optional)
          <select {...field("validationFile")}>
            <option value="">none: hold out nothing</option>
            {props.files
              .filter((file) => file.id !== trainingFile)
              .map((file) => (
                <option key={file.id} value={file.id}>
                  {file.filename} ({file.id})
                </option>
              ))}
          </select>
        </label>
        <label htmlFor={`${id}-backend`}>
          Trained by
          <select {...field("backend")}>
            <option value="">automatic: local for local models</option>
            <option value="local">local trainer (this gateway)</option>
            <option value="openai">OpenAI fine-tuning API</option>
          </select>
        </label>
      </div>
      {chosen && <DatasetStats file={chosen} />}
      <fieldset>
        <legend>Hyperparameters</legend>
        <div className="field-grid">
          <label htmlFor={`${id}-epochs`}>
            Epochs (passes over the data)
            <input type="number" min="1" max="50" step="1" {...field("epochs")} />
          </label>
          <label htmlFor={`${id}-learningRate`}>
            Learning-rate multiplier
            <input type="number" min="0.01" max="100" step="any" {...field("learningRate")} />
          </label>
          <label htmlFor={`${id}-batchSize`}>
            Batch size (examples per step)
            <input type="number" min="1" max="256" step="1" {...field("batchSize")} />
          </label>
          <label htmlFor={`${id}-seed`}>
            Seed (empty: random)
            <input type="number" min="0" step="1" {...field("seed")} />
          </label>
          <label htmlFor={`${id}-suffix`}>
            Model name suffix
            <input pattern="[A-Za-z0-9_\-]{1,64}" {...field("suffix")} />
          </label>
        </div>
      </fieldset>
      <h3>Before you start</h3>
      <JobEstimate request={request} />
      <div className="actions">
        <button type="submit" disabled={!request || busy}>
          Start fine-tuning
        </button>
      </div>
    </form>
  );
}
