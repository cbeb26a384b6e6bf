import type { ReactNode } from "react";
import { statusTone } from "./flywheel-types";

/** One step of the loop: its number and name, what it is, where it stands now, and what starts it. */
export function StepCard(props: { number: number; id: string; title: string; what: string; state: string; children: ReactNode }) {
  const headingId = `flywheel-step-${props.id}`;
  return (
    <section className="panel flywheel-step" aria-labelledby={headingId} data-testid={`step-${props.id}`}>
      <div className="section-head">
        <h2 id={headingId}>
          {props.number}. {props.title}
        </h2>
        <span className={`badge ${statusTone(props.state)}`} data-testid={`step-${props.id}-state`}>
          {props.state}
        </span>
      </div>
      <p className="hint">{props.what}</p>
      {props.children}
    </section>
  );
}
