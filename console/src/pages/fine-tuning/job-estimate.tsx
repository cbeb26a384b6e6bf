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
    </dl>
  );
}
