import { useCallback, useEffect, useState } from "react";
import { getJson, postJson, sendJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import type { Project, Spend, VirtualKey } from "./admin-types";
import { KeyForm } from "./key-form";
import { KeyRow } from "./key-row";
import { KeySecret } from "./key-secret";
import { loadSpend } from "./spend";

/** A project's keys with their spend; create (secret shown once), edit and revoke for keys that may change them. */
export function KeysPanel(props: { project: Project; canWrite: boolean; onChanged: () => void }) {
  const [keys, setKeys] = useState<VirtualKey[]>([]);
  const [spend, setSpend] = useState<Map<string, Spend>>(new Map());
  const [mode, setMode] = useState<{ kind: "list" } | { kind: "create" } | { kind: "edit"; key: VirtualKey }>({ kind: "list" });
  const [secret, setSecret] = useState<{ value: string; name: string }>();
  const [showRevoked, setShowRevoked] = useState(false);
  const [error, setError] = useState<unknown>();
  const projectId = props.project.id;

  const load = useCallback(() => {
    getJson<{ data: VirtualKey[] }>(`/admin/keys?project_id=${encodeURIComponent(projectId)}`).then((list) => setKeys(list.data), setError);
    loadSpend("key", projectId).then(setSpend, setError);
  }, [projectId]);
  useEffect(load, [load]);

  const create = async (body: object) => {
    setError(undefined);
    try {
      const created = await postJson<VirtualKey & { key: string }>("/admin/keys", { project_id: projectId, ...body });
      setSecret({ value: created.key, name: created.name || created.prefix });
      setMode({ kind: "list" });
      load();
      props.onChanged();
    } catch (failure) {
      setError(failure);
    }
  };
  const update = async (key: VirtualKey, body: object) => {
    setError(undefined);
    try {
      await sendJson("PATCH", `/admin/keys/${encodeURIComponent(key.id)}`, body);
      setMode({ kind: "list" });
      load();
    } catch (failure) {
      setError(failure);
    }
  };
  const revoke = async (key: VirtualKey) => {
    setError(undefined);
    try {
      await sendJson("DELETE", `/admin/keys/${encodeURIComponent(key.id)}`);
      load();
    } catch (failure) {
      setError(failure);
    }
  };

  const shown = keys.filter((key) => showRevoked || key.revoked_at === null);
  const revokedCount = keys.length - keys.filter((key) => key.revoked_at === null).length;
  return (
    <section aria-labelledby="keys-title">
      <div className="section-head">
        <h2 id="keys-title">Keys of {props.project.name}</h2>
        {props.canWrite && mode.kind === "list" && (
          <button type="button" onClick={() => setMode({ kind: "create" })}>
            New key
          </button>
        )}
      </div>
      <ErrorNote error={error} />
      {secret && <KeySecret secret={secret.value} name={secret.name} onDone={() => setSecret(undefined)} />}
      {mode.kind === "create" && <KeyForm submitLabel="Create key" onSubmit={create} onCancel={() => setMode({ kind: "list" })} />}
      {mode.kind === "edit" && <KeyForm existing={mode.key} submitLabel="Save key" onSubmit={(body) => update(mode.key, body)} onCancel={() => setMode({ kind: "list" })} />}
      {revokedCount > 0 && (
        <label className="inline">
          <input type="checkbox" checked={showRevoked} onChange={(event) => setShowRevoked(event.target.checked)} />
          Show {revokedCount} revoked
        </label>
      )}
      {shown.length === 0 ? (
        <p className="muted">No keys yet.</p>
      ) : (
        <table data-testid="keys-table">
          <caption className="visually-hidden">Keys of project {props.project.name}</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Role</th>
              <th scope="col">Models</th>
              <th scope="col">Spend</th>
              <th scope="col">Limits</th>
              <th scope="col">Status</th>
              {props.canWrite && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((key) => (
              <KeyRow key={key.id} apiKey={key} spend={spend.get(key.id)} canWrite={props.canWrite} onEdit={() => setMode({ kind: "edit", key })} onRevoke={() => revoke(key)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
