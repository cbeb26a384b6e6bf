import { useEffect, useState } from "react";
import { postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { percent, usdPerRequest, type FlywheelScope, type Promotion } from "./flywheel-types";
import { PromotionForm } from "./promotion-form";
import { StepCard } from "./step-card";
import { usePolled } from "./use-polled";

const moving = (promotion: Promotion) => promotion.status === "evaluating" || promotion.status === "rolling_back";

/** The gate's checks as the server decided them: each figure beside what it had to reach. */
function GateTable({ promotion }: { promotion: Promotion }) {
  if (!promotion.gate) return null;
  return (
    <table data-testid="gate-checks">
      <caption>Gate: {promotion.gate.passed ? "passed" : "refused"}</caption>
      <thead>
        <tr>
          <th scope="col">check</th>
          <th scope="col">outcome</th>
          <th scope="col">why</th>
        </tr>
      </thead>
      <tbody>
        {promotion.gate.checks.map((check) => (
          <tr key={check.name}>
            <th scope="row">{check.name.replaceAll("_", " ")}</th>
            <td className={check.passed ? "ok" : "error"}>{check.passed ? "passed" : "failed"}</td>
            <td>{check.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Target({ promotion }: { promotion: Promotion }) {
  const parts = [];
  if (promotion.deployment) parts.push(`deployment ${promotion.deployment} at ${percent(promotion.applied?.deployment?.canary_share ?? promotion.request.canary_share ?? 0)} canary`);
  if (promotion.auto_model) parts.push(`auto model ${promotion.auto_model}'s weak tier`);
  return <>{parts.join(" and ")}</>;
}

/** Step 5: the gated promotion: its state, the gate's outcome, what changed, the canary, a rollback. */
export function PromotionStep(props: { scope: FlywheelScope; canAct: boolean; candidate: string; promotionId: string | undefined; onPromotion: (promotion: Promotion) => void }) {
  const { scope, canAct, promotionId, onPromotion } = props;
  const [error, setError] = useState<unknown>();
  const polled = usePolled<Promotion>(promotionId === undefined ? undefined : `/admin/promotions/${encodeURIComponent(promotionId)}`, moving, 1000);
  const promotion = polled.value;
  // The page's before/after card follows the same record.
  useEffect(() => {
    if (promotion) onPromotion(promotion);
  }, [promotion, onPromotion]);

  const rollBack = () => {
    if (!promotion) return;
    setError(undefined);
    postJson<Promotion>(`/admin/promotions/${encodeURIComponent(promotion.id)}/rollback`, { reason: "rolled back from the Flywheel page" }).then(() => polled.reload(), setError);
  };

  return (
    <StepCard
      number={5}
      id="promotion"
      title="Gated promotion"
      what="The candidate is evaluated against the teacher on the held-out set; only if it keeps the required share of the teacher's quality at a lower cost does it take traffic. Live ratings below its evaluated quality roll it back (docs/flywheel.md)."
      state={promotion ? promotion.status.replace("_", " ") : "none"}
    >
      {promotion && (
        <>
          <dl className="facts" data-testid="promotion-facts">
            <dt>Promotion</dt>
            <dd className="mono" data-testid="promotion-id">
              {promotion.id}
            </dd>
            <dt>Candidate</dt>
            <dd>
              {promotion.candidate} → <Target promotion={promotion} />
            </dd>
            {promotion.evaluation && (
              <>
                <dt>Held-out figures</dt>
                <dd>
                  {promotion.evaluation.models
                    .map((model) => `${model.role} ${model.model}: quality ${percent(model.quality.mean)} (${percent(model.quality.low)}–${percent(model.quality.high)}), ${usdPerRequest(model.cost_per_request_usd)}/request`)
                    .join("; ")}{" "}
                  over {promotion.evaluation.held_out.rows} rows
                  {promotion.evaluation.evaluation_id && (
                    <>
                      {" "}
                      · <a href={`#evaluations/${encodeURIComponent(promotion.evaluation.evaluation_id)}`}>the evaluation</a>
                    </>
                  )}
                </dd>
              </>
            )}
            {promotion.applied?.deployment && (
              <>
                <dt>Canary</dt>
                <dd data-testid="canary">
                  {promotion.applied.deployment.name} v{promotion.applied.deployment.version} sends {percent(promotion.applied.deployment.canary_share)} of its traffic to the candidate (was v{promotion.applied.deployment.previous_version})
                </dd>
              </>
            )}
            {promotion.applied?.auto_model && (
              <>
                <dt>Router</dt>
                <dd>
                  {promotion.applied.auto_model.name}: weak tier was {promotion.applied.auto_model.previous_weak}, router {promotion.applied.auto_model.router}
                </dd>
              </>
            )}
            <dt>Rollback</dt>
            <dd data-testid="rollback-state">
              {promotion.rollback
                ? `rolled back by ${promotion.rollback.by}: ${promotion.rollback.reason}${promotion.rollback.live ? ` (live mean ${promotion.rollback.live.mean.toFixed(2)} over ${promotion.rollback.live.count} ratings, below ${promotion.rollback.live.threshold.toFixed(2)})` : ""}`
                : promotion.status === "promoted"
                  ? promotion.request.rollback?.automatic === false
                    ? "by hand only"
                    : `automatic when live ratings fall ${promotion.request.rollback?.margin ?? 0.1} below the evaluated quality (after ${promotion.request.rollback?.min_samples ?? 20} ratings)`
                  : "nothing in force"}
            </dd>
          </dl>
          {promotion.refusal && (
            <p className="error" role="status" data-testid="refusal">
              {promotion.refusal.message}
            </p>
          )}
          <GateTable promotion={promotion} />
          {canAct && promotion.status === "promoted" && (
            <button type="button" className="danger" onClick={rollBack}>
              Roll back promotion
            </button>
          )}
          <details>
            <summary>Events</summary>
            <ul className="events">
              {promotion.events.map((event, index) => (
                <li key={index}>
                  <span className="mono">{new Date(event.at * 1000).toISOString().slice(11, 19)}</span> {event.step}: {event.message}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
      {canAct ? (
        <PromotionForm scope={scope} candidate={props.candidate} busy={promotion !== undefined && moving(promotion)} onStarted={onPromotion} />
      ) : (
        <p className="muted">Read-only: an admin key promotes and rolls back.</p>
      )}
      <ErrorNote error={error ?? polled.error} />
    </StepCard>
  );
}
