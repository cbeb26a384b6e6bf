import { useState } from "react";
import { targetOf, when, type DeploymentDetail } from "./deployment-types";
import { VariantWeights } from "./variant-weights";

/** One deployment: what the active version does, its variants, and every version with a roll-back button. */
export function DeploymentDetailView(props: { deployment: DeploymentDetail; canWrite: boolean; onRollback: (version: number) => Promise<void> }) {
  const { deployment } = props;
  const [pending, setPending] = useState<number>();
  const rollback = (version: number) => {
    setPending(version);
    void props.onRollback(version).finally(() => setPending(undefined));
  };
  return (
    <section aria-labelledby="deployment-title" className="panel" data-testid="deployment-detail">
      <h2 id="deployment-title">
        {deployment.name} <span className="badge active">version {deployment.version} active</span>
      </h2>
      {deployment.spec.description && <p>{deployment.spec.description}</p>}
      <dl className="facts">
        <dt>Calls</dt>
        <dd className="mono">{deployment.spec.model ?? "variants below"}</dd>
        {deployment.spec.system_prompt && (
          <>
            <dt>System prompt</dt>
            <dd className="prompt">{deployment.spec.system_prompt}</dd>
          </>
        )}
        {deployment.spec.knowledge_base && (
          <>
            <dt>Knowledge base</dt>
            <dd className="mono">{deployment.spec.knowledge_base}</dd>
          </>
        )}
        <dt>From</dt>
        <dd>{deployment.source === "config" ? "config file" : "admin API"}</dd>
        <dt>Project</dt>
        <dd className="mono">{deployment.project_id ?? "none: from the config file, every project may call it"}</dd>
      </dl>
      {deployment.spec.variants && (
        <>
          <h3>Variants</h3>
          <VariantWeights variants={deployment.spec.variants} />
        </>
      )}
      <h3>Versions</h3>
      <table data-testid="versions">
        <caption className="visually-hidden">Versions of {deployment.name}</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Saved</th>
            <th scope="col">From</th>
            <th scope="col">Calls</th>
            {props.canWrite && <th scope="col">Action</th>}
          </tr>
        </thead>
        <tbody>
          {[...deployment.versions].reverse().map((version) => (
            <tr key={version.version} className={version.version === deployment.version ? "selected" : undefined}>
              <td>
                v{version.version}
                {version.version === deployment.version && <span className="badge active">active</span>}
              </td>
              <td>{when(version.created_at)}</td>
              <td>{version.source === "config" ? "config file" : "admin API"}</td>
              <td className="mono details">{targetOf(version.spec)}</td>
              {props.canWrite && (
                <td>
                  {version.version !== deployment.version && (
                    <button type="button" className="secondary small" disabled={pending !== undefined} onClick={() => rollback(version.version)}>
                      Roll back to v{version.version}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
