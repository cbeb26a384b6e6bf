import { windows, type Limits, type Spend } from "./admin-types";
import { formatUsd } from "./spend";

/** Spend in each budget window against its budget (or "no budget"), and the rate limits. */
export function SpendMeters(props: { limits: Limits; spend: Spend | undefined; subject: string }) {
  const spend = props.spend ?? { day: 0, week: 0, month: 0 };
  return (
    <dl className="spend">
      {windows.map((window) => {
        const budget = props.limits.budgets[window.budget];
        const used = spend[window.spend];
        return (
          <div key={window.spend} className="spend-window">
            <dt>{window.label}</dt>
            <dd>
              {formatUsd(used)}
              {budget === null ? (
                <span className="muted"> · no budget</span>
              ) : (
                <>
                  {" "}
                  of {formatUsd(budget)}
                  <meter min={0} max={budget || 1} value={Math.min(used, budget)} high={budget * 0.8} aria-label={`${props.subject}: ${window.label.toLowerCase()} spend against its budget`} />
                </>
              )}
            </dd>
          </div>
        );
      })}
      <div className="spend-window">
        <dt>Rate limits</dt>
        <dd>
          {props.limits.rpm === null ? "no RPM limit" : `${props.limits.rpm} requests/min`} · {props.limits.tpm === null ? "no TPM limit" : `${props.limits.tpm} tokens/min`}
        </dd>
      </div>
    </dl>
  );
}
