import { useEffect, useState, type FormEvent } from "react";
import { getJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import type { FlywheelScope } from "./flywheel-types";

/** The project (master key only) and the log query every step shares: teacher model, words, time range, split. */
export function ScopeForm({ scope, models, onApply }: { scope: FlywheelScope; models: string[]; onApply: (scope: FlywheelScope) => void }) {
  const [draft, setDraft] = useState(scope);
  const [projects, setProjects] = useState<Array<{ id: string; name: string }>>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (scope.global) getJson<{ data: Array<{ id: string; name: string }> }>("/admin/projects").then((list) => setProjects(list.data), setError);
  }, [scope.global]);
  useEffect(() => setDraft(scope), [scope]);

  const set = <Name extends keyof FlywheelScope>(name: Name, value: FlywheelScope[Name]) => setDraft((current) => ({ ...current, [name]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="Project and log query">
      <div className="field-grid">
        {scope.global && (
          <label>
            Project
            <select name="project" value={draft.projectId} onChange={(event) => set("projectId", event.target.value)}>
              <option value="default">default (no project)</option>
              {projects.map((project) => (
                <option key={project.id} value={project.id}>
                  {project.name} ({project.id})
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Teacher model (logged answers)
          <input name="teacher" list="flywheel-models" value={draft.model} onChange={(event) => set("model", event.target.value)} placeholder="any model" />
        </label>
        <datalist id="flywheel-models">
          {models.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <label>
          Words in request or answer
          <input name="q" value={draft.q} onChange={(event) => set("q", event.target.value)} placeholder="optional" />
        </label>
        <label>
          Last days (0: all)
          <input name="last_days" type="number" min="0" value={draft.lastDays} onChange={(event) => set("lastDays", Number(event.target.value))} />
        </label>
        <label>
          Rated at least
          <input name="min_score" type="number" min="0" max="1" step="0.1" value={draft.minScore} onChange={(event) => set("minScore", event.target.value)} placeholder="any" />
        </label>
        <label>
          Held-out fraction
          <input name="validation_fraction" type="number" min="0" max="0.5" step="0.05" value={draft.validationFraction} onChange={(event) => set("validationFraction", Number(event.target.value))} />
        </label>
        <label>
          Seed
          <input name="seed" type="number" min="0" value={draft.seed} onChange={(event) => set("seed", Number(event.target.value))} />
        </label>
      </div>
      <div className="actions">
        <button type="submit">Apply query</button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
