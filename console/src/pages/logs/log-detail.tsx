import { useEffect, useState } from "react";
import { getJson } from "../../api";
import { ErrorNote } from "../../components/error-note";
import { savePlaygroundDraft } from "../../playground-draft";
import type { LogDetail } from "./log-types";

/** One stored request: the masked view, or the unmasked one where it was stored and the key may see it. */
export function LogDetailPanel({ requestId, projectId, unmaskedAvailable }: { requestId: string; projectId: string; unmaskedAvailable: boolean }) {
  const [view, setView] = useState<"masked" | "unmasked">("masked");
  const [detail, setDetail] = useState<LogDetail>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setError(undefined);
    const query = new URLSearchParams({ view, project_id: projectId });
    getJson<LogDetail>(`/admin/logs/${encodeURIComponent(requestId)}?${query}`).then(setDetail, setError);
  }, [requestId, projectId, view]);

  const openInPlayground = () => {
    if (!detail?.request) return;
    const messages = detail.request.messages;
    savePlaygroundDraft({
      model: detail.model,
      system: messages.filter((message) => message.role === "system").map((message) => message.content).join("\n"),
      prompt: messages.filter((message) => message.role === "user").at(-1)?.content ?? "",
    });
    location.hash = "playground";
  };

  return (
    <article className="column log-detail" data-testid="log-detail">
      <div className="actions">
        <strong className="mono">{requestId}</strong>
        <button disabled={view === "masked"} onClick={() => setView("masked")}>
          masked
        </button>
        {unmaskedAvailable && (
          <button disabled={view === "unmasked"} onClick={() => setView("unmasked")}>
            unmasked
          </button>
        )}
        <button disabled={!detail?.request} onClick={openInPlayground}>
          Open in playground
        </button>
      </div>
      <ErrorNote error={error} />
      {detail && (
        <>
          <p className="muted">
            {detail.view} view · {detail.model}
            {detail.routed_model && detail.routed_model !== detail.model && ` → ${detail.routed_model}`} · {detail.provider ?? "?"} · {detail.status} {detail.http_status}
            {detail.error_code && ` (${detail.error_code})`} · {detail.input_tokens}+{detail.output_tokens} tokens · ${detail.cost_usd.toFixed(6)} · {detail.latency_ms} ms
            {detail.cache_hit && " · cache hit"} · {detail.masked_values} masked
          </p>
          {detail.request?.messages.map((message, index) => (
            <div key={index} className="message">
              <span className="role">{message.role}</span>
              <pre className="output" data-testid={`message-${index}`}>
                {message.content}
                {message.images_omitted && " [images not stored]"}
              </pre>
            </div>
          ))}
          {!detail.request && <p className="muted">No request text was stored (it was refused before it left).</p>}
          {detail.response && (
            <div className="message">
              <span className="role">answer</span>
              <pre className="output" data-testid="answer">
                {detail.response.text}
                {detail.response.tool_calls?.map((call) => `\n${call.name}(${call.arguments})`).join("")}
                {detail.response.error && `\n[${detail.response.error}]`}
              </pre>
            </div>
          )}
          {detail.feedback && (
            <p>
              Rated {detail.feedback.score.toFixed(2)}
              {detail.feedback.comment && `: ${detail.feedback.comment}`}
            </p>
          )}
        </>
      )}
    </article>
  );
}
