import { DEFAULT_SETTINGS, EXAMPLE_SCHEMA, EXAMPLE_TOOLS, type PlaygroundSettings } from "./settings";

/** Sampling parameters, response format and tools, sent with every column's request. */
export function SettingsForm(props: { settings: PlaygroundSettings; onChange: (settings: PlaygroundSettings) => void }) {
  const { settings } = props;
  const set = (patch: Partial<PlaygroundSettings>) => props.onChange({ ...settings, ...patch });
  return (
    <fieldset className="playground-settings">
      <legend>Parameters</legend>
      <div className="form-row">
        <label>
          Temperature
          <input type="number" min="0" max="2" step="0.1" value={settings.temperature} placeholder="model default" onChange={(event) => set({ temperature: event.target.value })} />
        </label>
        <label>
          Max tokens
          <input type="number" min="1" step="1" value={settings.maxTokens} placeholder="model default" onChange={(event) => set({ maxTokens: event.target.value })} />
        </label>
        <label>
          Response format
          <select
            value={settings.format}
            onChange={(event) => {
              const format = event.target.value as PlaygroundSettings["format"];
              set({ format, schema: format === "json_schema" && settings.schema === "" ? EXAMPLE_SCHEMA : settings.schema });
            }}
          >
            <option value="text">text</option>
            <option value="json_object">JSON object</option>
            <option value="json_schema">JSON schema</option>
          </select>
        </label>
      </div>
      {settings.format === "json_schema" && (
        <label>
          JSON schema
          <textarea className="mono" rows={6} value={settings.schema} onChange={(event) => set({ schema: event.target.value })} />
        </label>
      )}
      <label>
        Tools (JSON array, OpenAI function format)
        <textarea className="mono" rows={settings.tools ? 6 : 2} value={settings.tools} placeholder="none" onChange={(event) => set({ tools: event.target.value })} />
      </label>
      <div className="actions">
        {settings.tools === "" && (
          <button type="button" className="secondary small" onClick={() => set({ tools: EXAMPLE_TOOLS })}>
            Add an example tool
          </button>
        )}
        <button type="button" className="secondary small" onClick={() => props.onChange(DEFAULT_SETTINGS)}>
          Reset parameters
        </button>
      </div>
    </fieldset>
  );
}
