import { useCallback, useEffect, useState } from "react";
import { getJson, postJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { CreateBaseForm } from "./create-base-form";
import { DocumentUpload } from "./document-upload";
import type { KnowledgeBase, KnowledgeDocument } from "./knowledge-types";
import { SearchPreview } from "./search-preview";
import "../manage.css";

/** Knowledge bases of the key's project: create one, add documents, and preview what retrieval finds. */
export function KnowledgePage(props: { subpath?: string }) {
  const [bases, setBases] = useState<KnowledgeBase[]>([]);
  const [selected, setSelected] = useState<string | undefined>(props.subpath || undefined);
  const [detail, setDetail] = useState<KnowledgeBase>();
  const [documents, setDocuments] = useState<KnowledgeDocument[]>([]);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>();

  const loadBases = useCallback(() => {
    getJson<{ data: KnowledgeBase[] }>("/v1/knowledge_bases").then((list) => setBases(list.data), setError);
  }, []);
  const loadBase = useCallback((id: string) => {
    getJson<KnowledgeBase>(`/v1/knowledge_bases/${encodeURIComponent(id)}`).then(setDetail, setError);
    getJson<{ data: KnowledgeDocument[] }>(`/v1/knowledge_bases/${encodeURIComponent(id)}/documents`).then((list) => setDocuments(list.data), setError);
  }, []);
  useEffect(loadBases, [loadBases]);
  useEffect(() => {
    setDetail(undefined);
    setDocuments([]);
    if (selected) loadBase(selected);
  }, [selected, loadBase]);

  const create = async (body: object) => {
    setError(undefined);
    try {
      const base = await postJson<KnowledgeBase>("/v1/knowledge_bases", body);
      setCreating(false);
      loadBases();
      setSelected(base.id);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="manage">
      <div className="section-head">
        <h1>Knowledge bases</h1>
        {!creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New knowledge base
          </button>
        )}
      </div>
      <p className="muted">Documents are cut into chunks and embedded; a deployment with <span className="mono">knowledge_base</span> grounds every answer in the nearest chunks.</p>
      <ErrorNote error={error} />
      {creating && <CreateBaseForm onSubmit={create} onCancel={() => setCreating(false)} />}
      {bases.length === 0 && !creating ? (
        <p className="muted">No knowledge bases in this project yet.</p>
      ) : (
        <table data-testid="bases-table">
          <caption className="visually-hidden">Knowledge bases</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Embedding model</th>
              <th scope="col">Id</th>
            </tr>
          </thead>
          <tbody>
            {bases.map((base) => (
              <tr key={base.id} className={base.id === selected ? "selected" : undefined}>
                <td>
                  <button type="button" className="link" aria-pressed={base.id === selected} onClick={() => setSelected(base.id)}>
                    {base.name}
                  </button>
                </td>
                <td className="mono">{base.embedding_model}</td>
                <td className="mono">{base.id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {detail && (
        <div className="panel" key={detail.id} data-testid="base-detail">
          <h2>{detail.name}</h2>
          <p className="muted">
            {detail.document_count ?? documents.length} documents · {detail.chunk_count ?? 0} chunks · {detail.dimensions} dimensions · chunks of {detail.settings.chunk_tokens} tokens · top {detail.settings.top_k}
          </p>
          {documents.length > 0 && (
            <table data-testid="documents-table">
              <caption className="visually-hidden">Documents of {detail.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Document</th>
                  <th scope="col">Chunks</th>
                  <th scope="col">Tokens</th>
                  <th scope="col">Size</th>
                </tr>
              </thead>
              <tbody>
                {documents.map((document) => (
                  <tr key={document.id}>
                    <td>{document.name}</td>
                    <td>{document.chunks}</td>
                    <td>{document.tokens}</td>
                    <td>{(document.bytes / 1024).toFixed(1)} KB</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <DocumentUpload baseId={detail.id} onAdded={() => loadBase(detail.id)} />
          <SearchPreview baseId={detail.id} topK={detail.settings.top_k} />
        </div>
      )}
    </section>
  );
}
