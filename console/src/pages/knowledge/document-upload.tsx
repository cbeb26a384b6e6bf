import { useId, useState } from "react";
import { postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import type { KnowledgeDocument } from "./knowledge-types";

/** Adds a document: a text or markdown file read in the browser, or pasted text. It is chunked and embedded on the gateway. */
export function DocumentUpload(props: { baseId: string; onAdded: (document: KnowledgeDocument) => void }) {
  const id = useId();
  const [pasted, setPasted] = useState("");
  const [pastedName, setPastedName] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();

  const add = async (text: string, name: string | undefined) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const document = await postJson<KnowledgeDocument>(`/v1/knowledge_bases/${encodeURIComponent(props.baseId)}/documents`, { text, ...(name && { name }) });
      setNotice(`${document.name}: ${document.chunks} chunk${document.chunks === 1 ? "" : "s"}, ${document.tokens} tokens indexed.`);
      props.onAdded(document);
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add a document</h3>
      <label htmlFor={`${id}-file`}>
        Upload a text or markdown file
        <input
          id={`${id}-file`}
          type="file"
          accept=".txt,.md,.markdown,.csv,.json,.html,text/*"
          disabled={busy}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (!file) return;
            const input = event.target;
            void file.text().then((text) => add(text, file.name)).finally(() => (input.value = ""));
          }}
        />
      </label>
      <details>
        <summary>or paste text</summary>
        <label htmlFor={`${id}-name`}>
          Document name
          <input id={`${id}-name`} value={pastedName} onChange={(event) => setPastedName(event.target.value)} />
        </label>
        <label htmlFor={`${id}-text`}>
          Document text
          <textarea id={`${id}-text`} rows={5} value={pasted} onChange={(event) => setPasted(event.target.value)} />
        </label>
        <button type="button" disabled={busy || pasted.trim() === ""} onClick={() => void add(pasted, pastedName.trim() || undefined).then((ok) => ok && setPasted(""))}>
          Add text
        </button>
      </details>
      {busy && <p className="muted">Chunking and embedding…</p>}
      {notice && (
        <p role="status" className="ok">
          {notice}
        </p>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
