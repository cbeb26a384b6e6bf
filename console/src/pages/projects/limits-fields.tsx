import { useId } from "react";
import type { Limits } from "./admin-types";

/** The form's text for each limit: empty means "no limit". */
export interface LimitsDraft {
  daily: string;
  weekly: string;
  monthly: string;
  rpm: string;
  tpm: string;
}

export const emptyLimits: LimitsDraft = { daily: "", weekly: "", monthly: "", rpm: "", tpm: "" };

const text = (value: number | null) => (value === null ? "" : String(value));
const number = (value: string) => (value.trim() === "" ? null : Number(value));

export function limitsDraftOf(limits: Limits): LimitsDraft {
  return { daily: text(limits.budgets.daily_usd), weekly: text(limits.budgets.weekly_usd), monthly: text(limits.budgets.monthly_usd), rpm: text(limits.rpm), tpm: text(limits.tpm) };
}

/** The API body for the draft: an empty field sends `null`, which clears that limit. */
export function limitsBody(draft: LimitsDraft) {
  return {
    budgets: { daily_usd: number(draft.daily), weekly_usd: number(draft.weekly), monthly_usd: number(draft.monthly) },
    rpm: number(draft.rpm),
    tpm: number(draft.tpm),
  };
}

const fields: Array<{ name: keyof LimitsDraft; label: string; step: string }> = [
  { name: "daily", label: "Daily budget (USD)", step: "0.01" },
  { name: "weekly", label: "Weekly budget (USD)", step: "0.01" },
  { name: "monthly", label: "Monthly budget (USD)", step: "0.01" },
  { name: "rpm", label: "Requests per minute", step: "1" },
  { name: "tpm", label: "Tokens per minute", step: "1" },
];

/** Budgets and rate limits as labelled number fields; empty = no limit. */
export function LimitsFields(props: { value: LimitsDraft; onChange: (draft: LimitsDraft) => void; legend?: string }) {
  const id = useId();
  return (
    <fieldset className="limits">
      <legend>{props.legend ?? "Budgets and rate limits"}</legend>
      <p className="hint">Leave a field empty for no limit.</p>
      <div className="field-grid">
        {fields.map((field) => (
          <label key={field.name} htmlFor={`${id}-${field.name}`}>
            {field.label}
            <input
              id={`${id}-${field.name}`}
              name={field.name}
              type="number"
              min="0"
              step={field.step}
              value={props.value[field.name]}
              onChange={(event) => props.onChange({ ...props.value, [field.name]: event.target.value })}
            />
          </label>
        ))}
      </div>
    </fieldset>
  );
}
