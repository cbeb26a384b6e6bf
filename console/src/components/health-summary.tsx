import { HEALTH_WINDOW_MINUTES, type ModelHealth } from "../pages/models/catalog";

/** Above this share of failed requests a model reads as degraded; above the second, as failing. */
const DEGRADED = 0.05;
const FAILING = 0.25;

export function healthState(health: ModelHealth | undefined): "idle" | "healthy" | "degraded" | "failing" {
  if (!health || health.requests === 0 || health.error_rate === null) return "idle";
  if (health.error_rate >= FAILING) return "failing";
  return health.error_rate >= DEGRADED ? "degraded" : "healthy";
}

const percent = (rate: number) => `${(rate * 100).toFixed(rate < 0.1 && rate > 0 ? 1 : 0)}%`;

/** One line of recent health: a state word (never colour alone), the error rate and the mean latency. */
export function HealthSummary({ health }: { health: ModelHealth | undefined }) {
  const state = healthState(health);
  if (state === "idle" || !health) return <span className="health health-idle">no requests in {HEALTH_WINDOW_MINUTES} min</span>;
  return (
    <span className={`health health-${state}`}>
      <span className="health-state">{state}</span> · {percent(health.error_rate ?? 0)} errors · {health.latency_ms_avg?.toFixed(0) ?? "—"} ms
    </span>
  );
}
