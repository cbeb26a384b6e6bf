import { useId, useRef, useState } from "react";

/**
 * A new key's secret, shown once: the gateway keeps only its hash. Copy puts it on the clipboard; Done drops
 * it from the page for good. The secret takes the focus (and is selected) when it appears.
 */
export function KeySecret(props: { secret: string; name: string; onDone: () => void }) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied("yes");
    } catch {
      // Without clipboard permission, leave the secret selected for Ctrl+C.
      field.current?.select();
      setCopied("failed");
    }
  };
  return (
    <section className="panel secret" aria-labelledby={`${id}-title`} data-testid="key-secret">
      <h3 id={`${id}-title`}>Key {props.name} created: copy its secret now</h3>
      <p>This is the only time the secret is shown. The gateway stores a hash of it and cannot show it again.</p>
      <div className="form-row">
        <label htmlFor={`${id}-value`} className="visually-hidden">
          Secret of key {props.name}
        </label>
        <input id={`${id}-value`} ref={field} autoFocus className="mono secret-value" readOnly value={props.secret} onFocus={(event) => event.target.select()} size={52} />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="secondary" onClick={props.onDone}>
          Done, I stored it
        </button>
      </div>
      <p role="status" className={copied === "yes" ? "ok" : "muted"}>
        {copied === "yes" ? "Copied to the clipboard." : copied === "failed" ? "The browser refused the clipboard: the secret is selected, press Ctrl+C." : ""}
      </p>
    </section>
  );
}
