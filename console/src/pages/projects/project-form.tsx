import { useId, useState, type FormEvent } from "react";
import { emptyLimits, limitsBody, LimitsFields, type LimitsDraft } from "./limits-fields";

/** A new project (master key): its name, budgets and rate limits. */
export function ProjectForm(props: { onSubmit: (body: object) => Promise<void>; onCancel: () => void }) {
  const id = useId();
  const [name, setName] = useState("");
  const [limits, setLimits] = useState<LimitsDraft>(emptyLimits);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void props.onSubmit({ name: name.trim(), ...limitsBody(limits) });
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="New project">
      <label htmlFor={`${id}-name`}>
        Project name
        <input id={`${id}-name`} required autoFocus value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <LimitsFields value={limits} onChange={setLimits} legend="Project budgets and rate limits" />
      <div className="actions">
        <button type="submit" disabled={name.trim() === ""}>
          Create project
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
