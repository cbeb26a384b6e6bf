import { capabilityLabels, capabilityNames, NO_FILTERS, type CatalogFilters } from "./catalog";

/** Search, provider, capabilities and a price ceiling; applied as typed (the catalog is already in the browser). */
export function CatalogFilterBar(props: { filters: CatalogFilters; providers: string[]; onChange: (filters: CatalogFilters) => void }) {
  const { filters, onChange } = props;
  const set = (patch: Partial<CatalogFilters>) => onChange({ ...filters, ...patch });
  return (
    <form className="filter-bar" role="search" aria-label="Filter models" onSubmit={(event) => event.preventDefault()}>
      <label>
        Search
        <input type="search" value={filters.search} placeholder="model or provider" onChange={(event) => set({ search: event.target.value })} />
      </label>
      <label>
        Provider
        <select value={filters.provider} onChange={(event) => set({ provider: event.target.value })}>
          <option value="">any</option>
          {props.providers.map((provider) => (
            <option key={provider} value={provider}>
              {provider}
            </option>
          ))}
        </select>
      </label>
      <label>
        Max input price ($ per 1M)
        <input type="number" min="0" step="0.01" inputMode="decimal" value={filters.maxInputPrice} onChange={(event) => set({ maxInputPrice: event.target.value })} />
      </label>
      <fieldset>
        <legend>Needs</legend>
        {capabilityNames.map((name) => (
          <label key={name} className="inline">
            <input
              type="checkbox"
              checked={filters.capabilities.includes(name)}
              onChange={(event) =>
                set({ capabilities: event.target.checked ? [...filters.capabilities, name] : filters.capabilities.filter((capability) => capability !== name) })
              }
            />
            {capabilityLabels[name]}
          </label>
        ))}
      </fieldset>
      <button type="button" className="secondary" onClick={() => onChange(NO_FILTERS)}>
        Clear filters
      </button>
    </form>
  );
}
