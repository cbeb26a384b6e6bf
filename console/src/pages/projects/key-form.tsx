import { useEffect, useId, useState, type FormEvent } from "react";
import { getJson } from "../../api";
import type { KeyRole, VirtualKey } from "./admin-types";
import { emptyLimits, limitsBody, limitsDraftOf, LimitsFields, type LimitsDraft } from "./limits-fields";

interface KeyDraft {
  name: string;
  role: KeyRole;
  /** null: every model the project may call. */
  models: string[] | null;
  maxParallel: string;
  expires: string;
  limits: LimitsDraft;
}

const roles: Array<{ value: KeyRole; label: string }> = [
  { value: "member", label: "member: calls models, no admin pages" },
  { value: "viewer", label: "viewer: reads this project's admin pages" },
  { value: "admin", label: "admin: manages this project's keys and limits" },
];

function draftOf(key: VirtualKey | undefined): KeyDraft {
  if (!key) return { name: "", role: "member", models: null, maxParallel: "", expires: "", limits: emptyLimits };
  return {
    name: key.name ?? "",
    role: key.role,
    models: key.models,
    maxParallel: key.max_parallel === null ? "" : String(key.max_parallel),
    expires: key.expires_at === null ? "" : new Date(key.expires_at * 1000).toISOString().slice(0, 10),
    limits: limitsDraftOf(key),
  };
}

/** The API body: on create everything, on edit every field (null clears a limit). */
export function keyBody(draft: KeyDraft) {
  return {
    name: draft.name.trim(),
    role: draft.role,
    models: draft.models,
    max_parallel: draft.maxParallel.trim() === "" ? null : Number(draft.maxParallel),
    expires_at: draft.expires === "" ? null : `${draft.expires}T23:59:59Z`,
    ...limitsBody(draft.limits),
  };
}

/** Create or edit a virtual key: name, role, allowed models, budgets and limits, parallel requests, expiry. */
export function KeyForm(props: { existing?: VirtualKey; submitLabel: string; onSubmit: (body: ReturnType<typeof keyBody>) => Promise<void>; onCancel?: () => void }) {
  const id = useId();
  const [draft, setDraft] = useState(() => draftOf(props.existing));
  const [models, setModels] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    getJson<{ data: Array<{ id: string }> }>("/v1/models").then((list) => setModels(list.data.map((model) => model.id)), () => setModels([]));
  }, []);
  const choices = [...new Set([...models, ...(draft.models ?? [])])].sort();

  // The form replaces the button that opened it: its first field takes the focus (autoFocus) so keyboard users stay in place.
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await props.onSubmit(keyBody(draft));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (model: string, on: boolean) => {
    const current = draft.models ?? [];
    setDraft({ ...draft, models: on ? [...current, model] : current.filter((item) => item !== model) });
  };

  return (
    <form className="panel key-form" onSubmit={(event) => void submit(event)} aria-label={props.existing ? `Edit key ${props.existing.prefix}` : "New key"}>
      <div className="field-grid">
        <label htmlFor={`${id}-name`}>
          Key name
          <input id={`${id}-name`} autoFocus value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} placeholder="e.g. ci, web-app" />
        </label>
        <label htmlFor={`${id}-role`}>
          Role
          <select id={`${id}-role`} value={draft.role} onChange={(event) => setDraft({ ...draft, role: event.target.value as KeyRole })}>
            {roles.map((role) => (
              <option key={role.value} value={role.value}>
                {role.label}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-parallel`}>
          Requests in flight at most
          <input id={`${id}-parallel`} type="number" min="1" step="1" value={draft.maxParallel} onChange={(event) => setDraft({ ...draft, maxParallel: event.target.value })} />
        </label>
        <label htmlFor={`${id}-expires`}>
          Expires after (UTC day)
          <input id={`${id}-expires`} type="date" value={draft.expires} onChange={(event) => setDraft({ ...draft, expires: event.target.value })} />
        </label>
      </div>
      <fieldset className="models">
        <legend>Allowed models</legend>
        <label className="inline">
          <input type="checkbox" checked={draft.models === null} onChange={(event) => setDraft({ ...draft, models: event.target.checked ? null : [] })} />
          Any model the project may call
        </label>
        {draft.models !== null && (
          <div className="checks">
            {choices.length === 0 && <p className="muted">No models are listed for this key.</p>}
            {choices.map((model) => (
              <label key={model} className="inline">
                <input type="checkbox" checked={draft.models?.includes(model) ?? false} onChange={(event) => toggle(model, event.target.checked)} />
                <span className="mono">{model}</span>
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <LimitsFields value={draft.limits} onChange={(limits) => setDraft({ ...draft, limits })} legend="Key budgets and rate limits" />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" className="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
