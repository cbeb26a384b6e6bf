import { useEffect, useMemo, useState } from "react";
import { allows, useAccess } from "../access";
import { CapabilityBadges } from "../components/capability-badges";
import { ErrorNote } from "../components/error-note";
import { GettingStarted } from "../components/getting-started";
import { HealthSummary } from "../components/health-summary";
import type { PageProps } from "../page-list";
import { CatalogFilterBar } from "./models/catalog-filter-bar";
import {
  HEALTH_WINDOW_MINUTES,
  NO_FILTERS,
  filterCatalog,
  formatContext,
  formatPrice,
  loadCatalog,
  loadHealth,
  modelHref,
  playgroundHref,
  type CatalogModel,
  type ModelHealth,
} from "./models/catalog";
import { ModelDetail } from "./models/model-detail";

/** `#models`: the catalog; `#models/<id>`: one model's page. */
export function ModelsPage({ subpath }: PageProps) {
  return subpath ? <ModelDetail id={subpath} /> : <Catalog />;
}

function Catalog() {
  const access = useAccess();
  const [models, setModels] = useState<CatalogModel[]>();
  const [health, setHealth] = useState<Map<string, ModelHealth>>();
  const [filters, setFilters] = useState(NO_FILTERS);
  const [error, setError] = useState<unknown>();
  const showHealth = allows(access, "admin-read");

  useEffect(() => {
    loadCatalog().then(setModels, setError);
    if (showHealth) loadHealth().then(setHealth, setError);
  }, [showHealth]);

  const providers = useMemo(() => [...new Set((models ?? []).map((model) => model.owned_by))].sort(), [models]);
  const shown = useMemo(() => filterCatalog(models ?? [], filters), [models, filters]);

  return (
    <section>
      <GettingStarted />
      <h1>Model catalog</h1>
      <ErrorNote error={error} />
      {models && models.length === 0 && <p className="muted">No models configured yet. Add providers and models to the config file.</p>}
      {models && models.length > 0 && (
        <>
          <CatalogFilterBar filters={filters} providers={providers} onChange={setFilters} />
          <p className="muted" aria-live="polite">
            {shown.length} of {models.length} models · prices in USD per 1M tokens
            {showHealth && ` · health over the last ${HEALTH_WINDOW_MINUTES} minutes`}
          </p>
          <div className="table-scroll">
            <table className="catalog" data-testid="catalog">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Context</th>
                  <th scope="col">Input</th>
                  <th scope="col">Cached input</th>
                  <th scope="col">Output</th>
                  <th scope="col">Capabilities</th>
                  {showHealth && <th scope="col">Health</th>}
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((model) => (
                  <tr key={model.id}>
                    <th scope="row" className="mono">
                      <a href={modelHref(model.id)}>{model.id}</a>
                    </th>
                    <td>{model.owned_by}</td>
                    <td className="number">{formatContext(model.context_length)}</td>
                    <td className="number">{formatPrice(model.pricing?.input)}</td>
                    <td className="number">{formatPrice(model.pricing?.cached_input)}</td>
                    <td className="number">{formatPrice(model.pricing?.output)}</td>
                    <td>
                      <CapabilityBadges model={model} />
                    </td>
                    {showHealth && (
                      <td>
                        <HealthSummary health={health?.get(model.id)} />
                      </td>
                    )}
                    <td>
                      <a className="button secondary small" href={playgroundHref(model.id)}>
                        Try in playground<span className="visually-hidden"> with {model.id}</span>
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {shown.length === 0 && <p className="muted">No model matches these filters.</p>}
        </>
      )}
    </section>
  );
}
