import { useEffect, useState } from "react";
import { getJson } from "../api";
import { ErrorNote } from "../components/error-note";
import { GettingStarted } from "../components/getting-started";

interface ModelRow {
  id: string;
  owned_by: string;
  [field: string]: unknown;
}

/** The model catalog: every public model with whatever price and capability data the gateway reports. */
export function ModelsPage() {
  const [models, setModels] = useState<ModelRow[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    getJson<{ data: ModelRow[] }>("/v1/models").then((list) => setModels(list.data), setError);
  }, []);
  return (
    <section>
      <GettingStarted />
      <h1>Model catalog</h1>
      <ErrorNote error={error} />
      {models && models.length === 0 && <p className="muted">No models configured yet. Add providers and models to the config file.</p>}
      {models && models.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Model</th>
              <th>Provider</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr key={model.id}>
                <td className="mono">{model.id}</td>
                <td>{model.owned_by}</td>
                <td className="details">{describe(model)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function describe(model: ModelRow): string {
  // `status` (a local download) is shown, live, by the getting-started panel above.
  const skip = new Set(["id", "object", "created", "owned_by", "status"]);
  return Object.entries(model)
    .filter(([key, value]) => !skip.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" · ");
}
