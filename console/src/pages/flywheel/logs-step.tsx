import { useEffect, useState } from "react";
import { getJson, putJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { projectQuery, type FlywheelScope, type LoggingSettings } from "./flywheel-types";
import { StepCard } from "./step-card";

const PAGE = 500;

/** One model's row of `GET /admin/routing/health`: how it answered in the last hour. */
interface ModelHealth {
  model: string;
  requests: number;
  error_rate: number | null;
  latency_ms_avg: number | null;
}

interface LogPage {
  data: Array<{ id: string; model: string; prompt_preview: string; answer_preview: string; feedback: { score: number } | null }>;
  has_more: boolean;
}

/** The `GET /admin/logs` parameters of the shared query (successful requests only, as the dataset builder reads). */
function logListQuery(scope: FlywheelScope): string {
  const extra: Record<string, string> = { status: "success", limit: String(PAGE) };
  if (scope.model.trim() !== "") extra.model = scope.model.trim();
  if (scope.q.trim() !== "") extra.q = scope.q.trim();
  if (scope.lastDays > 0) extra.from = String(Date.now() - scope.lastDays * 86_400_000);
  if (scope.minScore.trim() !== "") extra.min_score = scope.minScore.trim();
  return projectQuery(scope, extra);
}

/** Step 1: is the project's traffic stored, and how many stored requests match the query. */
export function LogsStep({ scope, canAct }: { scope: FlywheelScope; canAct: boolean }) {
  const [settings, setSettings] = useState<LoggingSettings>();
  const [page, setPage] = useState<LogPage>();
  const [health, setHealth] = useState<ModelHealth>();
  const [error, setError] = useState<unknown>();
  const [round, setRound] = useState(0);

  useEffect(() => {
    setError(undefined);
    getJson<LoggingSettings>(`/admin/projects/${encodeURIComponent(scope.projectId)}/logging`).then(setSettings, setError);
    getJson<LogPage>(`/admin/logs?${logListQuery(scope)}`).then(setPage, setError);
    setHealth(undefined);
    const teacher = scope.model.trim();
    if (teacher !== "") {
      getJson<{ data: ModelHealth[] }>(`/admin/routing/health?${projectQuery(scope, { model: teacher })}`).then((list) => setHealth(list.data.find((row) => row.model === teacher)), setError);
    }
  }, [scope, round]);

  const turnOn = () => {
    setError(undefined);
    putJson<LoggingSettings>(`/admin/projects/${encodeURIComponent(scope.projectId)}/logging`, { store_requests: true }).then((next) => {
      setSettings(next);
      setRound((count) => count + 1);
    }, setError);
  };

  const matching = page ? `${page.data.length}${page.has_more ? "+" : ""}` : "…";
  const state = !settings ? "…" : !settings.store_requests ? "logging off" : `${matching} matching`;
  return (
    <StepCard number={1} id="logs" title="Logged traffic" what="Requests and answers stored by the request log (docs/logs.md): the teacher's answers become training data. Only successful requests of the chosen project count." state={state}>
      {settings && (
        <dl className="facts">
          <dt>Logging</dt>
          <dd data-testid="logging-state">
            {settings.store_requests ? "on" : "off"}, kept {settings.retention_days} days{settings.store_unmasked ? ", unmasked view stored" : ""}
          </dd>
          <dt>Matching the query</dt>
          <dd data-testid="log-matches">
            {matching} stored request{matching === "1" ? "" : "s"}
            {page?.has_more && ` (counted up to ${PAGE})`} <a href="#logs">open the Logs page</a>
          </dd>
          {health && (
            <>
              <dt>Teacher in the last hour</dt>
              <dd data-testid="teacher-health">
                {health.model}: {health.requests} requests
                {health.error_rate !== null && `, ${(health.error_rate * 100).toFixed(1)}% errors`}
                {health.latency_ms_avg !== null && `, ${Math.round(health.latency_ms_avg)} ms mean latency`}
              </dd>
            </>
          )}
        </dl>
      )}
      {settings && !settings.store_requests && (
        <p>
          Nothing of this project is stored yet.{" "}
          {canAct ? (
            <button type="button" onClick={turnOn}>
              Turn logging on
            </button>
          ) : (
            <span className="muted">An admin key of the project can turn it on.</span>
          )}
        </p>
      )}
      {page && page.data.length > 0 && (
        <ul className="events" aria-label="Latest matching requests">
          {page.data.slice(0, 3).map((row) => (
            <li key={row.id}>
              <span className="mono">{row.model}</span> · {row.prompt_preview} → {row.answer_preview}
              {row.feedback && ` · rated ${row.feedback.score.toFixed(2)}`}
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={error} />
    </StepCard>
  );
}
