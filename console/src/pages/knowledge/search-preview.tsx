import { useId, useState, type FormEvent } from "react";
import { postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import type { SearchHit } from "./knowledge-types";

/** Search as chat retrieval would: the chunks nearest a question, each cited by document, chunk and score. */
export function SearchPreview(props: { baseId: string; topK: number }) {
  const id = useId();
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<SearchHit[]>();
  const [error, setError] = useState<unknown>();
  const search = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const answer = await postJson<{ data: SearchHit[] }>(`/v1/knowledge_bases/${encodeURIComponent(props.baseId)}/search`, { query, top_k: props.topK });
      setHits(answer.data);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Search preview</h3>
      <form className="form-row" onSubmit={(event) => void search(event)}>
        <label htmlFor={`${id}-query`} className="grow">
          Question
          <input id={`${id}-query`} value={query} onChange={(event) => setQuery(event.target.value)} placeholder="what a user might ask" />
        </label>
        <button type="submit" disabled={query.trim() === ""}>
          Search
        </button>
      </form>
      <ErrorNote error={error} />
      {hits && hits.length === 0 && <p className="muted">No chunk scored above the base's minimum.</p>}
      {hits && hits.length > 0 && (
        <ol className="citations" data-testid="search-results">
          {hits.map((hit, index) => (
            <li key={hit.chunk_id}>
              <p className="citation">
                <strong>[{index + 1}]</strong> {hit.document_name} · chunk {hit.chunk_index + 1} · score {hit.score.toFixed(3)}
                {hit.injection.score >= 0.5 && <span className="badge warn"> looks like a prompt injection ({hit.injection.score.toFixed(2)})</span>}
              </p>
              <blockquote>{hit.text}</blockquote>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
