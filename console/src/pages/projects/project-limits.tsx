import { useState, type FormEvent } from "react";
import type { Project, Spend } from "./admin-types";
import { limitsBody, limitsDraftOf, LimitsFields } from "./limits-fields";
import { SpendMeters } from "./spend-meters";

/** A project's spend against its budgets; project admins and the master key may change the limits. */
export function ProjectLimits(props: { project: Project; spend: Spend | undefined; canWrite: boolean; onSave: (body: object) => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(() => limitsDraftOf(props.project));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await props.onSave(limitsBody(draft));
    setEditing(false);
  };
  return (
    <section aria-labelledby="project-spend-title">
      <div className="section-head">
        <h2 id="project-spend-title">Spend and limits</h2>
        {props.canWrite && !editing && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft(limitsDraftOf(props.project));
              setEditing(true);
            }}
          >
            Edit limits
          </button>
        )}
      </div>
      <SpendMeters limits={props.project} spend={props.spend} subject={`Project ${props.project.name}`} />
      {editing && (
        <form className="panel" onSubmit={(event) => void submit(event)} aria-label={`Limits of project ${props.project.name}`}>
          <LimitsFields value={draft} onChange={setDraft} legend="Project budgets and rate limits" />
          <div className="actions">
            <button type="submit">Save limits</button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
