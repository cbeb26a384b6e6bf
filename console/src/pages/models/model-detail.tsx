import { useEffect, useState } from "react";
import { allows, useAccess } from "../../access";
import { getJson } from "../../api";
import { CapabilityBadges } from "../../components/capability-badges";
import { ErrorNote } from "../../components/error-note";
import { HealthSummary } from "../../components/health-summary";
import { HEALTH_WINDOW_MINUTES, formatContext, formatPrice, loadHealth, playgroundHref, type CatalogModel, type ModelHealth } from "./catalog";

/** `GET /v1/models/<id>`: each part of the id escaped, its slashes kept (`openai/gpt-4o`). */
const modelUrl = (id: string) => `/v1/models/${id.split("/").map(encodeURIComponent).join("/")}`;

/** One model's page: what it costs, what it can do, how it has been answering, and how to call it. */
export function ModelDetail({ id }: { id: string }) {
  const access = useAccess();
  const [model, setModel] = useState<CatalogModel>();
  const [health, setHealth] = useState<ModelHealth | null>();
  const [error, setError] = useState<unknown>();
  const showHealth = allows(access, "admin-read");

  useEffect(() => {
    setModel(undefined);
    setError(undefined);
    getJson<CatalogModel>(modelUrl(id)).then(setModel, setError);
    if (showHealth) loadHealth(id).then((rows) => setHealth(rows.get(id) ?? null), setError);
  }, [id, showHealth]);

  return (
    <section className="model-detail" aria-labelledby="model-title">
      <p>
        <a href="#models">← All models</a>
      </p>
      <h1 id="model-title" className="mono">
        {id}
      </h1>
      <ErrorNote error={error} />
      {model && (
        <>
          <div className="actions">
            <a className="button" href={playgroundHref(model.id)}>
              Try in playground
            </a>
          </div>
          <dl className="facts">
            <dt>Provider</dt>
            <dd>{model.owned_by}</dd>
            <dt>Context length</dt>
            <dd>{model.context_length === undefined ? "unknown" : `${model.context_length.toLocaleString("en-US")} tokens (${formatContext(model.context_length)})`}</dd>
            <dt>Capabilities</dt>
            <dd>
              <CapabilityBadges model={model} />
            </dd>
            {model.status && (
              <>
                <dt>Status</dt>
                <dd>{model.status.message ?? model.status.state}</dd>
              </>
            )}
          </dl>
          <h2>Prices</h2>
          {model.pricing ? (
            <table className="prices">
              <caption className="visually-hidden">Prices in {model.pricing.currency} per 1M tokens</caption>
              <thead>
                <tr>
                  <th scope="col">per 1M tokens</th>
                  <th scope="col">Input</th>
                  <th scope="col">Cached input</th>
                  <th scope="col">Output</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Requests</th>
                  <td className="number">{formatPrice(model.pricing.input)}</td>
                  <td className="number">{formatPrice(model.pricing.cached_input)}</td>
                  <td className="number">{formatPrice(model.pricing.output)}</td>
                </tr>
                {model.pricing.batch_input !== undefined && (
                  <tr>
                    <th scope="row">Batches ({Math.round((model.pricing.batch_discount ?? 0) * 100)}% off)</th>
                    <td className="number">{formatPrice(model.pricing.batch_input)}</td>
                    <td className="number">—</td>
                    <td className="number">{formatPrice(model.pricing.batch_output)}</td>
                  </tr>
                )}
              </tbody>
            </table>
          ) : (
            <p className="muted">No price known for this model (a self-hosted server without a <code>pricing:</code> entry).</p>
          )}
          {showHealth && health !== undefined && <HealthPanel health={health} />}
          <h2>Call it</h2>
          <pre className="snippet">{`curl ${location.origin}/v1/chat/completions \\
  -H "Authorization: Bearer $SWITCHYARD_KEY" \\
  -H "Content-Type: application/json" \\
  -d '${JSON.stringify({ model: model.id, messages: [{ role: "user", content: "Hello" }] })}'`}</pre>
        </>
      )}
    </section>
  );
}

function HealthPanel({ health }: { health: ModelHealth | null }) {
  return (
    <>
      <h2>Health, last {HEALTH_WINDOW_MINUTES} minutes</h2>
      <p>
        <HealthSummary health={health ?? undefined} />
      </p>
      {health && health.requests > 0 && (
        <dl className="facts" data-testid="model-health">
          <dt>Requests</dt>
          <dd>{health.requests}</dd>
          <dt>Failed</dt>
          <dd>
            {health.errors} ({((health.error_rate ?? 0) * 100).toFixed(1)}%)
          </dd>
          <dt>Mean latency</dt>
          <dd>{health.latency_ms_avg === null ? "—" : `${health.latency_ms_avg.toFixed(0)} ms`}</dd>
          <dt>Mean time to first token</dt>
          <dd>{health.ttft_ms_avg === null ? "—" : `${health.ttft_ms_avg.toFixed(0)} ms`}</dd>
          <dt>Last request</dt>
          <dd>{health.last_request_at ? new Date(health.last_request_at).toLocaleString() : "—"}</dd>
        </dl>
      )}
      {health?.routes && health.routes.length > 0 && (
        <table data-testid="model-routes">
          <caption>Routes on this gateway node, in fallback order</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Upstream model</th>
              <th scope="col">Balancer latency</th>
              <th scope="col">In flight</th>
              <th scope="col">Circuit breaker</th>
            </tr>
          </thead>
          <tbody>
            {health.routes.map((route) => (
              <tr key={`${route.provider}/${route.model}`}>
                <td>{route.provider}</td>
                <td className="mono">{route.model}</td>
                <td className="number">{route.balancer_latency_ms === null ? "—" : `${route.balancer_latency_ms.toFixed(0)} ms`}</td>
                <td className="number">{route.in_flight}</td>
                <td>{route.breaker}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
