import { useState } from "react";
import { getApiKey, setApiKey } from "./api";
import { ModelsPage } from "./pages/models-page";
import { PlaygroundPage } from "./pages/playground-page";
import { DataPage } from "./pages/data-page";
import { UsagePage } from "./pages/usage-page";
import { ConfigPage } from "./pages/config-page";

const pages = {
  models: { title: "Models", component: ModelsPage },
  playground: { title: "Playground", component: PlaygroundPage },
  data: { title: "Data & fine-tuning", component: DataPage },
  usage: { title: "Usage", component: UsagePage },
  config: { title: "Configuration", component: ConfigPage },
} as const;

type PageName = keyof typeof pages;

export function App() {
  const initial = (location.hash.slice(1) as PageName) in pages ? (location.hash.slice(1) as PageName) : "models";
  const [page, setPage] = useState<PageName>(initial);
  const [key, setKey] = useState(getApiKey());
  const Page = pages[page].component;
  return (
    <div className="shell">
      <header>
        <strong className="brand">Switchyard</strong>
        <nav>
          {(Object.keys(pages) as PageName[]).map((name) => (
            <button
              key={name}
              className={name === page ? "tab active" : "tab"}
              onClick={() => {
                location.hash = name;
                setPage(name);
              }}
            >
              {pages[name].title}
            </button>
          ))}
        </nav>
        <label className="key">
          API key
          <input
            type="password"
            value={key}
            placeholder="not needed without a master key"
            onChange={(event) => {
              setKey(event.target.value);
              setApiKey(event.target.value);
            }}
          />
        </label>
      </header>
      <main>
        <Page key={key} />
      </main>
    </div>
  );
}
