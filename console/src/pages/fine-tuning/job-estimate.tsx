import { useEffect, useState } from "react";
import { postJson } from "../../api";
import { duration, type Estimate } from "./fine-tuning-types";

/** What the job in the form would train, cost and take (`POST /v1/fine_tuning/estimates`), refreshed as the form changes. */
export function JobEstimate({ request }: { request: Record<string, unknown> | undefined }) {
  const [estimate, setEstimate] = useState<Estimate>();
  const [problem, setProblem] = useState<string>();
  const body = request === undefined ? undefined : JSON.stringify(request);
  useEffect(() => {
    setEstimate(undefined);
    setProblem(undefined);
    if (body === undefined) return;
    let current = true;
    // Wait for typing to pause before asking.
    const timer = setTimeout(() => {
      postJson<Estimate>("/v1/fine_tuning/estimates", JSON.parse(body)).then(
        (answer) => current && setEstimate(answer),
        (error: unknown) => current && setProblem(error instanceof Error ? error.message : String(error)),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [body]);

  if (body === undefined) return <p className="muted">Choose a base model and a training file to see the estimate.</p>;
  if (problem) return <p className="error">{problem}</p>;
  if (!estimate) return <p className="muted">Estimating…</p>;
  return (
    <dl className="facts estimate" data-testid="estimate" aria-label="Estimate before start">
      <dt>Backend</dt>
      <dd>{estimate.backend === "local" ? "local (this gateway's CPU)" : estimate.backend}</dd>
      <dt>Tokens trained</dt>
      <dd>{estimate.trained_tokens.toLocaleString("en")}</dd>
      <dt>Cost</dt>
      <dd>{estimate.cost_usd === 0 ? "$0 (runs here)" : `about $${estimate.cost_usd.toFixed(2)}`}</dd>
      <dt>Time</dt>
      <dd>about {duration(estimate.seconds)}</dd>
      {estimate.tokens_per_second !== undefined && (
        <>
          <dt>Speed</dt>
          <dd>{speedText(estimate.tokens_per_second, estimate.speed_basis)}</dd>
        </>
      )}
    </dl>
  );
}

/** Where the local backend's speed came from, in the words a user would use (local-estimate.ts, `SpeedBasis`). */
const speedSources: Record<NonNullable<Estimate["speed_basis"]>, string> = {
  model: "from the model's size",
  configured: "from your config",
  default: "a default: the model file isn't on this node yet",
};

/** "about 9 tokens/s on this machine, from the model's size": the speed the time assumes, and why. */
export function speedText(tokensPerSecond: number, basis: Estimate["speed_basis"]): string {
  const rate = tokensPerSecond < 10 ? Number(tokensPerSecond.toFixed(1)) : Math.round(tokensPerSecond);
  const source = basis === undefined ? "" : `, ${speedSources[basis]}`;
  return `about ${rate.toLocaleString("en")} tokens/s on this machine${source}`;
}
