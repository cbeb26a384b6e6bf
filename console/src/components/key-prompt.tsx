import { useState } from "react";

/**
 * Shown instead of the pages while the gateway refuses the console's key (it has a master key and no
 * key, or a wrong one, is set). The key is checked against `GET /v1/models` before it is kept.
 */
export function KeyPrompt(props: { refused: boolean; onKey: (key: string) => void }) {
  const [draft, setDraft] = useState("");
  return (
    <section className="key-prompt" aria-labelledby="key-prompt-title">
      <h2 id="key-prompt-title">This gateway needs an API key</h2>
      <p>Enter the master key, or a virtual key with the role admin or viewer for the admin pages. It stays in this browser only.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onKey(draft.trim());
        }}
      >
        <label>
          API key
          <input type="password" value={draft} autoFocus autoComplete="off" onChange={(event) => setDraft(event.target.value)} />
        </label>
        <button type="submit" disabled={draft.trim() === ""}>
          Use this key
        </button>
      </form>
      {props.refused && <p role="alert">The gateway refused that key.</p>}
    </section>
  );
}
