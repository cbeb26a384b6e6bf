import { useEffect, useState, type FormEvent } from "react";
import { getJson, postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import type { DeploymentVersion } from "../deployments/deployment-types";
import { logQueryBody, type FlywheelScope, type Promotion } from "./flywheel-types";

interface AutoModel {
  name: string;
  strong: string;
  weak: string;
}

/**
 * `POST /admin/promotions`: the candidate, where it goes (a deployment of the project as a canary, or, with the master
 * key, an auto model's weak tier), and the gate. The held-out set is the page's log query with the same seed and split.
 */
export function PromotionForm(props: { scope: FlywheelScope; candidate: string; busy: boolean; onStarted: (promotion: Promotion) => void }) {
  const { scope } = props;
  const [candidate, setCandidate] = useState(props.candidate);
  const [deployments, setDeployments] = useState<DeploymentVersion[]>([]);
  const [deployment, setDeployment] = useState("");
  const [autoModels, setAutoModels] = useState<AutoModel[]>([]);
  const [autoModel, setAutoModel] = useState("");
  const [canary, setCanary] = useState("0.1");
  const [share, setShare] = useState("0.9");
  const [minRows, setMinRows] = useState("5");
  const [margin, setMargin] = useState("0.1");
  const [error, setError] = useState<unknown>();
  const [sending, setSending] = useState(false);

  useEffect(() => setCandidate(props.candidate), [props.candidate]);
  useEffect(() => {
    getJson<{ data: DeploymentVersion[] }>("/admin/deployments").then((answer) => {
      // A project's own deployments (and, for the master key, the shared ones from the config file).
      const usable = answer.data.filter((entry) => entry.project_id === scope.projectId || (scope.global && !entry.project_id));
      setDeployments(usable);
      setDeployment((current) => current || usable[0]?.name || "");
    }, setError);
  }, [scope.projectId, scope.global]);
  // Auto models serve every project: only the master key promotes into one, and only it may list the config.
  useEffect(() => {
    if (!scope.global) return;
    getJson<{ data: Array<{ name: string; config: Record<string, unknown> }> }>("/admin/models").then((answer) => {
      setAutoModels(
        answer.data.flatMap((entry) => {
          const auto = entry.config.auto as { strong?: unknown; weak?: unknown } | undefined;
          return entry.config.type === "auto" && auto ? [{ name: entry.name, strong: String(auto.strong), weak: String(auto.weak) }] : [];
        }),
      );
    }, setError);
  }, [scope.global]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSending(true);
    const body = {
      ...(scope.global ? { project_id: scope.projectId } : {}),
      candidate: candidate.trim(),
      ...(deployment === "" ? {} : { deployment, canary_share: Number(canary) }),
      ...(autoModel.trim() === "" ? {} : { auto_model: autoModel.trim() }),
      held_out: { ...logQueryBody(scope), split: "validation" },
      gate: { min_quality_share: Number(share), min_rows: Number(minRows), not_worse_than_weak: true },
      rollback: { margin: Number(margin), min_samples: 20, automatic: true },
      seed: scope.seed,
    };
    postJson<Promotion>("/admin/promotions", body)
      .then(props.onStarted, setError)
      .finally(() => setSending(false));
  };

  return (
    <form onSubmit={submit} aria-label="Promote a candidate">
      <div className="field-grid">
        <label>
          Candidate model
          <input name="candidate" list="flywheel-models" value={candidate} onChange={(event) => setCandidate(event.target.value)} placeholder="ft:... or a configured model" />
        </label>
        <label>
          Deployment (canary)
          <select name="deployment" value={deployment} onChange={(event) => setDeployment(event.target.value)}>
            <option value="">none</option>
            {deployments.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Canary share of its traffic
          <input name="canary_share" type="number" min="0.01" max="1" step="0.01" value={canary} onChange={(event) => setCanary(event.target.value)} />
        </label>
        {scope.global && (
          <label>
            Auto model whose weak tier it becomes
            <select name="auto_model" value={autoModel} onChange={(event) => setAutoModel(event.target.value)}>
              <option value="">none</option>
              {autoModels.map((entry) => (
                <option key={entry.name} value={entry.name}>
                  {entry.name} (weak {entry.weak}, strong {entry.strong})
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Gate: share of the teacher&apos;s quality
          <input name="min_quality_share" type="number" min="0" max="1" step="0.05" value={share} onChange={(event) => setShare(event.target.value)} />
        </label>
        <label>
          Gate: at least this many held-out rows
          <input name="min_rows" type="number" min="1" value={minRows} onChange={(event) => setMinRows(event.target.value)} />
        </label>
        <label>
          Roll back when live ratings fall this far below
          <input name="rollback_margin" type="number" min="0" max="1" step="0.05" value={margin} onChange={(event) => setMargin(event.target.value)} />
        </label>
      </div>
      <p className="hint">The held-out set is the page&apos;s log query (teacher {scope.model || "any model"}, same seed and split as the dataset); the candidate must also cost less per request than the teacher.</p>
      <div className="actions">
        <button type="submit" disabled={sending || props.busy || candidate.trim() === "" || (deployment === "" && autoModel.trim() === "")}>
          Evaluate and promote
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
