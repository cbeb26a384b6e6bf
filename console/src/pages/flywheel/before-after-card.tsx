import { useEffect, useState } from "react";
import { getJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { percent, projectQuery, usdPerRequest, type FlywheelScope, type ModelFigures, type Promotion, type RatingGroup, type UsageGroup } from "./flywheel-types";

const WEEK_SECONDS = 7 * 86_400;

interface Live {
  requests: number;
  costPerRequest: number | undefined;
  ratings: RatingGroup | undefined;
}

/** The target's usage and ratings in one window (`from`/`to` in unix seconds; `to` undefined: until now). */
async function liveFigures(scope: FlywheelScope, target: string, from: number, to: number | undefined): Promise<Live> {
  const usageQuery: Record<string, string> = { model: target, group_by: "model", from: String(from) };
  if (to !== undefined) usageQuery.to = String(to);
  const ratingQuery: Record<string, string> = { model: target, from: String(from * 1000) };
  if (to !== undefined) ratingQuery.to = String(to * 1000);
  const [usage, ratings] = await Promise.all([
    getJson<{ data: UsageGroup[] }>(`/v1/usage?${projectQuery(scope, usageQuery)}`),
    getJson<{ data: RatingGroup[] }>(`/admin/feedback/summary?${projectQuery(scope, ratingQuery)}`),
  ]);
  const group = usage.data.find((entry) => entry.model === target);
  const succeeded = group ? group.requests - group.errors : 0;
  return { requests: group?.requests ?? 0, costPerRequest: group && succeeded > 0 ? group.cost_usd / succeeded : undefined, ratings: ratings.data.find((entry) => entry.model === target) };
}

const quality = (figures: ModelFigures | undefined) => (figures ? `${percent(figures.quality.mean)} (${percent(figures.quality.low)}–${percent(figures.quality.high)})` : "–");
const rating = (live: Live | undefined) => (live?.ratings ? `${live.ratings.mean.toFixed(2)} over ${live.ratings.count} rating${live.ratings.count === 1 ? "" : "s"}` : "no ratings");

/**
 * Cost per request and quality before and after the promotion: on the held-out set (the teacher against the
 * candidate, and the blend a canary share gives), and live on the target (usage and ratings before the
 * promotion against since it).
 */
export function BeforeAfterCard({ scope, promotion }: { scope: FlywheelScope; promotion: Promotion | undefined }) {
  const [live, setLive] = useState<{ before: Live; after: Live }>();
  const [error, setError] = useState<unknown>();
  const target = promotion?.deployment ?? promotion?.auto_model ?? undefined;
  const promotedAt = promotion?.promoted_at ?? undefined;
  const endedAt = promotion?.rollback?.at;

  useEffect(() => {
    setLive(undefined);
    if (target === undefined || promotedAt === undefined) return;
    setError(undefined);
    Promise.all([liveFigures(scope, target, promotedAt - WEEK_SECONDS, promotedAt), liveFigures(scope, target, promotedAt, endedAt)]).then(([before, after]) => setLive({ before, after }), setError);
  }, [scope, target, promotedAt, endedAt]);

  const figures = promotion?.evaluation?.models ?? [];
  const teacher = figures.find((model) => model.role === "strong");
  const candidate = figures.find((model) => model.role === "candidate");
  const share = promotion?.deployment ? (promotion.applied?.deployment?.canary_share ?? promotion.request.canary_share ?? 0) : undefined;
  const blend = (pick: (model: ModelFigures) => number) => (teacher && candidate && share !== undefined ? (1 - share) * pick(teacher) + share * pick(candidate) : undefined);
  const promoted = promotion?.status === "promoted";

  return (
    <section className="panel" aria-labelledby="before-after-heading" data-testid="before-after">
      <h2 id="before-after-heading">Before and after</h2>
      {!promotion?.evaluation ? (
        <p className="muted">Once a promotion has been evaluated, its figures are compared here.</p>
      ) : (
        <table>
          <caption>
            {promoted ? "In force since " + new Date(promotedAt! * 1000).toLocaleString() : promotion.status === "refused" ? "Refused by the gate: nothing changed; the after column is what the candidate would have given" : `Promotion ${promotion.status.replace("_", " ")}`}
          </caption>
          <thead>
            <tr>
              <th scope="col">figure</th>
              <th scope="col">before</th>
              <th scope="col">after</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">held-out quality</th>
              <td>
                {teacher?.model}: {quality(teacher)}
              </td>
              <td>
                {candidate?.model}: {quality(candidate)}
              </td>
            </tr>
            <tr>
              <th scope="row">held-out cost per request</th>
              <td>{usdPerRequest(teacher?.cost_per_request_usd)}</td>
              <td>{usdPerRequest(candidate?.cost_per_request_usd)}</td>
            </tr>
            {share !== undefined && share < 1 && (
              <tr>
                <th scope="row">expected on {promotion.deployment} at a {percent(share)} canary</th>
                <td>
                  {usdPerRequest(teacher?.cost_per_request_usd)}, quality {teacher ? percent(teacher.quality.mean) : "–"}
                </td>
                <td>
                  {usdPerRequest(blend((model) => model.cost_per_request_usd))}, quality {percent(blend((model) => model.quality.mean) ?? 0)}
                </td>
              </tr>
            )}
            {live && (
              <>
                <tr data-testid="live-cost">
                  <th scope="row">live cost per request on {target}</th>
                  <td>
                    {usdPerRequest(live.before.costPerRequest)} over {live.before.requests} requests (the week before)
                  </td>
                  <td>
                    {usdPerRequest(live.after.costPerRequest)} over {live.after.requests} requests (since)
                  </td>
                </tr>
                <tr data-testid="live-rating">
                  <th scope="row">live rating on {target} (ratings given)</th>
                  <td>{rating(live.before)}</td>
                  <td>{rating(live.after)}</td>
                </tr>
              </>
            )}
          </tbody>
        </table>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
