import { useEffect, useState } from "react";
import { getJson, postJson, putJson, streamChat } from "../api";
import { ErrorNote } from "./error-note";

/** `status` on a model from `GET /v1/models` (a local model still downloading, or missing). */
interface ModelStatus {
  state: string;
  source?: string;
  downloaded_bytes?: number;
  total_bytes?: number;
  progress?: number;
  message?: string;
}

interface ModelRow {
  id: string;
  status?: ModelStatus;
}

interface Providers {
  data: Array<{ id: string; type: string; local: boolean }>;
  credentials_api: boolean;
  builtin_providers: boolean;
  hosted: Array<{ provider: string; type: string; key_name: string; configured: boolean }>;
}

const POLL_MS = 2000;
const PROMPT = "Say hello in one short sentence.";
const TRY_MAX_TOKENS = 64;
const mb = (bytes = 0) => (bytes / 1048576).toFixed(1);

/**
 * The first things a newcomer needs: whether the local model is still downloading, which providers
 * are configured and how to add a key, and one click to see a model answer. Self-contained, so the
 * rest of the console can change around it.
 */
export function GettingStarted() {
  const [models, setModels] = useState<ModelRow[]>([]);
  const [providers, setProviders] = useState<Providers>();
  const [error, setError] = useState<unknown>();

  const loadProviders = () => void getJson<Providers>("/v1/providers").then(setProviders, setError);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const load = () =>
      getJson<{ data: ModelRow[] }>("/v1/models").then((list) => {
        if (stopped) return;
        setModels(list.data);
        // Poll only while something is on its way.
        if (list.data.some((model) => model.status && ["queued", "downloading"].includes(model.status.state))) timer = setTimeout(() => void load().catch(setError), POLL_MS);
      });
    load().catch(setError);
    loadProviders();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  // A public name and its provider's own name (`local`, `local/<upstream>`) share one download: show it once.
  const tracked = models.filter((model, index) => model.status && models.findIndex((other) => other.status?.source === model.status!.source) === index);
  const ready = models.find((model) => model.status?.state === "ready") ?? models.find((model) => !model.status);

  return (
    <section className="getting-started" data-testid="getting-started">
      <h1>Getting started</h1>
      <ErrorNote error={error} />
      {tracked.length > 0 && (
        <div data-testid="model-status">
          <h2>Local models</h2>
          {tracked.map((model) => (
            <ModelState key={model.id} model={model} />
          ))}
        </div>
      )}
      {providers && <ProviderList providers={providers} onAdded={loadProviders} />}
      <TryIt model={ready?.id} />
    </section>
  );
}

function ModelState({ model }: { model: ModelRow }) {
  const status = model.status!;
  return (
    <div className="model-state" data-state={status.state}>
      <span className="mono">{model.id}</span>{" "}
      {status.state === "downloading" && (
        <>
          <progress max={1} value={status.progress ?? 0} /> downloading {status.progress !== undefined ? `${Math.floor(status.progress * 100)}%` : ""} ({mb(status.downloaded_bytes)}
          {status.total_bytes !== undefined ? ` of ${mb(status.total_bytes)}` : ""} MB)
        </>
      )}
      {status.state === "ready" && <span className="ok">ready</span>}
      {status.state === "queued" && <span className="muted">waiting for another download</span>}
      {status.message && <p className={status.state === "missing" ? "muted" : "error"}>{status.message}</p>}
    </div>
  );
}

function ProviderList({ providers, onAdded }: { providers: Providers; onAdded: () => void }) {
  const missing = providers.hosted.filter((hosted) => !hosted.configured);
  return (
    <div data-testid="providers">
      <h2>Providers</h2>
      <p>
        Configured: {providers.data.map((provider) => `${provider.id} (${provider.type})`).join(", ") || "none"}. Call any of them as{" "}
        <span className="mono">PROVIDER/MODEL</span>.
      </p>
      {missing.length > 0 && providers.credentials_api && <AddKey hosted={missing} builtin={providers.builtin_providers} onAdded={onAdded} />}
      {missing.length > 0 && !providers.credentials_api && (
        <p className="muted" data-testid="add-key-help">
          To add {missing.map((hosted) => hosted.provider).join(", ")}: start with its key in the environment (
          <span className="mono">{missing[0]!.key_name}=… npm start</span>), or set <span className="mono">SWITCHYARD_MASTER_KEY</span> and restart to
          store keys here, encrypted.
        </p>
      )}
    </div>
  );
}

function AddKey({ hosted, builtin, onAdded }: { hosted: Providers["hosted"]; builtin: boolean; onAdded: () => void }) {
  const [choice, setChoice] = useState(hosted[0]!.provider);
  const [value, setValue] = useState("");
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<unknown>();
  const selected = hosted.find((item) => item.provider === choice) ?? hosted[0]!;
  const save = async () => {
    setError(undefined);
    setSaved(undefined);
    try {
      await putJson(`/admin/credentials/${selected.key_name}`, { provider: selected.provider, value });
      setValue("");
      if (!builtin) {
        setSaved(`Stored encrypted as ${selected.key_name}. Your config file has its own providers: section: add ${selected.provider} there with api_key: env:${selected.key_name}, then reload.`);
        return;
      }
      // Without a providers: section the stored key adds the built-in provider; a reload serves it now.
      const outcome = await postJson<{ providers: { added: string[] } }>("/admin/config/reload", {});
      const added = outcome.providers.added.includes(selected.provider);
      setSaved(`Stored encrypted as ${selected.key_name}${added ? ` and loaded: call ${selected.provider}/MODEL now.` : "."}`);
      if (added) onAdded();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div className="form-row" data-testid="add-key">
      <select value={choice} aria-label="Provider" onChange={(event) => setChoice(event.target.value)}>
        {hosted.map((item) => (
          <option key={item.provider} value={item.provider}>
            {item.provider}
          </option>
        ))}
      </select>
      <input type="password" aria-label="Provider key" placeholder={selected.key_name} value={value} onChange={(event) => setValue(event.target.value)} />
      <button onClick={() => void save()} disabled={!value}>
        Store key
      </button>
      {saved && <p className="ok">{saved}</p>}
      <ErrorNote error={error} />
    </div>
  );
}

function TryIt({ model }: { model: string | undefined }) {
  const [output, setOutput] = useState("");
  const [running, setRunning] = useState(false);
  const [answered, setAnswered] = useState(false);
  const [error, setError] = useState<unknown>();
  const ask = () => {
    if (!model) return;
    setOutput("");
    setError(undefined);
    setAnswered(false);
    setRunning(true);
    // One short sentence is asked for; the cap keeps a chatty model's first answer short too.
    streamChat(model, [{ role: "user", content: PROMPT }], (text) => setOutput((current) => current + text), undefined, { max_tokens: TRY_MAX_TOKENS })
      .then(() => setAnswered(true))
      .catch(setError)
      .finally(() => setRunning(false));
  };
  const shown = output || (running ? "…" : answered ? "(the model ended its answer without any text: ask again)" : "");
  return (
    <div data-testid="try-it">
      <h2>Try it</h2>
      <button onClick={ask} disabled={!model || running}>
        {model ? `Ask ${model}` : "No model ready yet"}
      </button>{" "}
      <span className="muted">“{PROMPT}” · more in the <a href="#playground">playground</a></span>
      {shown && (
        <pre className="output" data-state={running ? "running" : "done"}>
          {shown}
        </pre>
      )}
      <ErrorNote error={error} />
    </div>
  );
}
