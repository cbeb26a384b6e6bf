import { useCallback, useEffect, useState } from "react";
import { allows, canAdminister, useAccess } from "../../access";
import { getJson, postJson, sendJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import type { Project, Spend } from "./admin-types";
import { KeysPanel } from "./keys-panel";
import { ProjectForm } from "./project-form";
import { ProjectLimits } from "./project-limits";
import { formatUsd, loadSpend } from "./spend";
import "../manage.css";

/**
 * Projects and keys (admin API): the master key sees and creates projects; a project's admin key manages
 * its own project's keys and limits; a viewer key reads the same without any button that changes things.
 */
export function ProjectsPage(props: { subpath?: string }) {
  const access = useAccess();
  const canWrite = canAdminister(access);
  const master = allows(access, "master");
  const [projects, setProjects] = useState<Project[]>([]);
  const [spend, setSpend] = useState<Map<string, Spend>>(new Map());
  const [selectedId, setSelectedId] = useState<string | undefined>(props.subpath || undefined);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>();

  const load = useCallback(() => {
    getJson<{ data: Project[] }>("/admin/projects").then((list) => {
      setProjects(list.data);
      // A project key sees exactly its own project: open it.
      setSelectedId((current) => current ?? (list.data.length === 1 ? list.data[0]!.id : undefined));
    }, setError);
    loadSpend("project").then(setSpend, setError);
  }, []);
  useEffect(load, [load]);

  const createProject = async (body: object) => {
    setError(undefined);
    try {
      const project = await postJson<Project>("/admin/projects", body);
      setCreating(false);
      setSelectedId(project.id);
      load();
    } catch (failure) {
      setError(failure);
    }
  };
  const saveLimits = async (project: Project, body: object) => {
    setError(undefined);
    try {
      await sendJson("PATCH", `/admin/projects/${encodeURIComponent(project.id)}`, body);
      load();
    } catch (failure) {
      setError(failure);
      throw failure;
    }
  };

  const selected = projects.find((project) => project.id === selectedId);
  return (
    <section className="manage">
      <div className="section-head">
        <h1>Projects and keys</h1>
        {master && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New project
          </button>
        )}
      </div>
      {!canWrite && <p className="muted">Read-only: this key has the role viewer.</p>}
      <ErrorNote error={error} />
      {creating && <ProjectForm onSubmit={createProject} onCancel={() => setCreating(false)} />}
      {(master || projects.length > 1) && (
        <table data-testid="projects-table">
          <caption className="visually-hidden">Projects</caption>
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Id</th>
              <th scope="col">Spend today</th>
              <th scope="col">Spend this month</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((project) => (
              <tr key={project.id} className={project.id === selectedId ? "selected" : undefined}>
                <td>
                  <button type="button" className="link" aria-pressed={project.id === selectedId} onClick={() => setSelectedId(project.id)}>
                    {project.name}
                  </button>
                </td>
                <td className="mono">{project.id}</td>
                <td>{formatUsd(spend.get(project.id)?.day ?? 0)}</td>
                <td>{formatUsd(spend.get(project.id)?.month ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <div className="project-detail" key={selected.id}>
          <h2 className="project-name">
            {selected.name} <span className="mono details">{selected.id}</span>
          </h2>
          <ProjectLimits project={selected} spend={spend.get(selected.id)} canWrite={canWrite} onSave={(body) => saveLimits(selected, body)} />
          <KeysPanel project={selected} canWrite={canWrite} onChanged={load} />
        </div>
      )}
    </section>
  );
}
