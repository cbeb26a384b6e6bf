import { useCallback, useEffect, useState } from "react";
import { canAdminister, useAccess } from "../../access";
import { getJson, postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { DeploymentDetailView } from "./deployment-detail";
import { targetOf, when, type DeploymentDetail, type DeploymentVersion } from "./deployment-types";
import "../manage.css";

/**
 * Deployments (`/admin/deployments`): named prompts and A/B variants over models, their versions, and roll back.
 * The master key sees every project's; a project key its own project's (a viewer without roll-back buttons).
 */
export function DeploymentsPage(props: { subpath?: string }) {
  const access = useAccess();
  const canWrite = canAdminister(access);
  const [list, setList] = useState<DeploymentVersion[]>([]);
  const [selected, setSelected] = useState<string | undefined>(props.subpath || undefined);
  const [detail, setDetail] = useState<DeploymentDetail>();
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();

  const loadList = useCallback(() => {
    getJson<{ data: DeploymentVersion[] }>("/admin/deployments").then((answer) => setList([...answer.data].sort((a, b) => a.name.localeCompare(b.name))), setError);
  }, []);
  const loadDetail = useCallback((name: string) => {
    getJson<DeploymentDetail>(`/admin/deployments/${encodeURIComponent(name)}`).then(setDetail, setError);
  }, []);
  useEffect(loadList, [loadList]);
  useEffect(() => {
    setDetail(undefined);
    if (selected) loadDetail(selected);
  }, [selected, loadDetail]);

  const rollback = async (name: string, version: number) => {
    setError(undefined);
    setNotice(undefined);
    try {
      const active = await postJson<DeploymentVersion>(`/admin/deployments/${encodeURIComponent(name)}/rollback`, { version });
      setNotice(`${name} now serves version ${active.version}.`);
      loadList();
      loadDetail(name);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="manage">
      <h1>Deployments</h1>
      {!canWrite && <p className="muted">Read-only: this key has the role viewer.</p>}
      <p className="muted">A deployment is a model name clients call: a model or weighted variants, a system prompt, parameters. Every save is a version; rolling back re-activates an older one at once on every node.</p>
      <ErrorNote error={error} />
      {notice && (
        <p role="status" className="ok">
          {notice}
        </p>
      )}
      {list.length === 0 ? (
        <p className="muted">No deployments yet. Add them under <span className="mono">deployments:</span> in the config file or with <span className="mono">PUT /admin/deployments/NAME</span>.</p>
      ) : (
        <table data-testid="deployments-table">
          <caption className="visually-hidden">Deployments</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Active version</th>
              <th scope="col">Calls</th>
              <th scope="col">Project</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {list.map((deployment) => (
              <tr key={deployment.name} className={deployment.name === selected ? "selected" : undefined}>
                <td>
                  <button type="button" className="link" aria-pressed={deployment.name === selected} onClick={() => setSelected(deployment.name)}>
                    {deployment.name}
                  </button>
                </td>
                <td>v{deployment.version}</td>
                <td className="mono details">{targetOf(deployment.spec)}</td>
                <td className="mono details">{deployment.project_id ?? "config file (all)"}</td>
                <td>{when(deployment.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {detail && <DeploymentDetailView deployment={detail} canWrite={canWrite} onRollback={(version) => rollback(detail.name, version)} />}
    </section>
  );
}
