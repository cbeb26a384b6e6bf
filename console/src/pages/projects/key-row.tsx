import { useState } from "react";
import type { Spend, VirtualKey } from "./admin-types";
import { formatUsd } from "./spend";

const date = (seconds: number | null) => (seconds === null ? "" : new Date(seconds * 1000).toISOString().slice(0, 10));

function limitsText(key: VirtualKey): string {
  const parts = [
    key.budgets.daily_usd !== null && `${formatUsd(key.budgets.daily_usd)}/day`,
    key.budgets.weekly_usd !== null && `${formatUsd(key.budgets.weekly_usd)}/week`,
    key.budgets.monthly_usd !== null && `${formatUsd(key.budgets.monthly_usd)}/month`,
    key.rpm !== null && `${key.rpm} RPM`,
    key.tpm !== null && `${key.tpm} TPM`,
    key.max_parallel !== null && `${key.max_parallel} in flight`,
  ].filter(Boolean);
  return parts.length === 0 ? "none" : parts.join(" · ");
}

/** One key: what it may do and has spent; Edit and Revoke (with a confirmation) when the console's key may change it. */
export function KeyRow(props: { apiKey: VirtualKey; spend: Spend | undefined; canWrite: boolean; onEdit: () => void; onRevoke: () => Promise<void> }) {
  const key = props.apiKey;
  const [confirming, setConfirming] = useState(false);
  const label = key.name || key.prefix;
  const revoked = key.revoked_at !== null;
  return (
    <tr className={revoked ? "revoked" : undefined}>
      <td>
        {key.name || <span className="muted">unnamed</span>}
        <div className="mono details">{key.prefix}…</div>
      </td>
      <td>
        <span className={`badge role-${key.role}`}>{key.role}</span>
      </td>
      <td>{key.models === null ? <span className="muted">any</span> : key.models.join(", ") || <span className="muted">none</span>}</td>
      <td>
        {formatUsd(props.spend?.day ?? 0)} today
        <div className="details">{formatUsd(props.spend?.month ?? 0)} this month</div>
      </td>
      <td className="details">{limitsText(key)}</td>
      <td>
        {revoked ? <span className="badge revoked">revoked {date(key.revoked_at)}</span> : <span className="badge active">active</span>}
        {key.expires_at !== null && <div className="details">expires {date(key.expires_at)}</div>}
      </td>
      {props.canWrite && (
        <td className="row-actions">
          {!revoked && !confirming && (
            <>
              <button type="button" className="secondary small" onClick={props.onEdit} aria-label={`Edit key ${label}`}>
                Edit
              </button>
              <button type="button" className="danger small" onClick={() => setConfirming(true)} aria-label={`Revoke key ${label}`}>
                Revoke
              </button>
            </>
          )}
          {confirming && (
            <span role="group" aria-label={`Confirm revoking key ${label}`}>
              <span className="confirm-text">Revoke for good?</span>{" "}
              <button type="button" className="danger small" onClick={() => void props.onRevoke().finally(() => setConfirming(false))}>
                Yes, revoke
              </button>{" "}
              <button type="button" className="secondary small" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </span>
          )}
        </td>
      )}
    </tr>
  );
}
