import { useCallback, useEffect, useState } from "react";
import { getJson, postJson } from "../api";
import { ErrorNote } from "../components/error-note";

interface ConfigEntry {
  name: string;
  source: "file" | "admin";
  overrides_file: boolean;
  updated_at: number | null;
  config: Record<string, unknown>;
  type?: string;
}

interface ReloadAnswer {
  source: string;
  providers: { added: string[]; changed: string[]; removed: string[] };
  models: { added: string[]; changed: string[]; removed: string[] };
  restart_required: string[];
}

/** Providers and models serving now (config file and admin API) and a config reload; needs the master key. */
export function ConfigPage() {
  const [providers, setProviders] = useState<ConfigEntry[]>();
  const [models, setModels] = useState<ConfigEntry[]>();
  const [error, setError] = useState<unknown>();
  const [reloaded, setReloaded] = useState<ReloadAnswer>();

  const load = useCallback(() => {
    setError(undefined);
    getJson<{ data: ConfigEntry[] }>("/admin/providers").then((list) => setProviders(list.data), setError);
    getJson<{ data: ConfigEntry[] }>("/admin/models").then((list) => setModels(list.data), setError);
  }, []);
  useEffect(load, [load]);

  const reload = () => {
    setReloaded(undefined);
    postJson<ReloadAnswer>("/admin/config/reload", {}).then((answer) => {
      setReloaded(answer);
      load();
    }, setError);
  };

  return (
    <section>
      <h1>Configuration</h1>
      <div className="actions">
        <button onClick={reload}>Reload config file</button>
      </div>
      <ErrorNote error={error} />
      {reloaded && <p className="notice">Reloaded {reloaded.source}: {summary(reloaded)}</p>}
      <h2>Providers</h2>
      <EntryTable entries={providers} detail={(entry) => `${entry.type ?? ""} ${settings(entry.config, ["type"])}`} />
      <h2>Models</h2>
      <EntryTable entries={models} detail={(entry) => routes(entry.config)} />
    </section>
  );
}

function EntryTable({ entries, detail }: { entries?: ConfigEntry[]; detail: (entry: ConfigEntry) => string }) {
  if (!entries) return null;
  if (entries.length === 0) return <p className="muted">None.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Name</th>
          <th>Source</th>
          <th>Settings</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.name}>
            <td className="mono">{entry.name}</td>
            <td>{entry.source === "admin" ? (entry.overrides_file ? "admin API (replaces the file's)" : "admin API") : "config file"}</td>
            <td className="details">{detail(entry)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function settings(config: Record<string, unknown>, skip: string[]): string {
  return Object.entries(config)
    .filter(([key]) => !skip.includes(key))
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" · ");
}

function routes(config: Record<string, unknown>): string {
  const list = config.routes as Array<{ provider: string; model: string }> | undefined;
  if (list) return list.map((route) => `${route.provider}/${route.model}`).join(" → ");
  return settings(config, []);
}

function summary(answer: ReloadAnswer): string {
  const parts: string[] = [];
  for (const [kind, changes] of [["providers", answer.providers], ["models", answer.models]] as const) {
    for (const [verb, names] of Object.entries(changes)) if (names.length > 0) parts.push(`${kind} ${verb}: ${names.join(", ")}`);
  }
  if (answer.restart_required.length > 0) parts.push(`needs a restart: ${answer.restart_required.join(", ")}`);
  return parts.join("; ") || "nothing changed";
}
