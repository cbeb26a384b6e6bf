import { useEffect, useState } from "react";
import { getApiKey, setApiKey } from "./api";
import { KeyPrompt } from "./components/key-prompt";
import { ModelsPage } from "./pages/models-page";
import { PlaygroundPage } from "./pages/playground-page";
import { DataPage } from "./pages/data-page";
import { UsagePage } from "./pages/usage-page";
import { ConfigPage } from "./pages/config-page";
import { LogsPage } from "./pages/logs/logs-page";
import { ProjectsPage } from "./pages/projects/projects-page";
import { DeploymentsPage } from "./pages/deployments/deployments-page";
import { KnowledgePage } from "./pages/knowledge/knowledge-page";
import { GuardrailAuditPage } from "./pages/audit/guardrail-audit-page";
import { AdminAuditPage } from "./pages/audit/admin-audit-page";

const pages = {
  models: { title: "Models", component: ModelsPage },
  playground: { title: "Playground", component: PlaygroundPage },
  data: { title: "Data & fine-tuning", component: DataPage },
  usage: { title: "Usage", component: UsagePage },
  logs: { title: "Logs", component: LogsPage },
  config: { title: "Configuration", component: ConfigPage },
  projects: { title: "Projects & keys", component: ProjectsPage },
  deployments: { title: "Deployments", component: DeploymentsPage },
  knowledge: { title: "Knowledge bases", component: KnowledgePage },
  guardrails: { title: "Guardrail audit", component: GuardrailAuditPage },
  audit: { title: "Audit log", component: AdminAuditPage },
} as const;

type PageName = keyof typeof pages;

export function App() {
  const initial = (location.hash.slice(1) as PageName) in pages ? (location.hash.slice(1) as PageName) : "models";
  const [page, setPage] = useState<PageName>(initial);
  const [key, setKey] = useState(getApiKey());
  // Pages may send the console elsewhere by its hash ("open in playground").
  useEffect(() => {
    const follow = () => {
      const name = location.hash.slice(1);
      if (name in pages) setPage(name as PageName);
    };
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  // "unknown" until the gateway has answered; "needed" while it refuses the key (401).
  const [access, setAccess] = useState<"unknown" | "ok" | "needed">("unknown");
  useEffect(() => {
    let current = true;
    fetch("/v1/models", { headers: key ? { authorization: `Bearer ${key}` } : {} })
      .then((response) => current && setAccess(response.status === 401 ? "needed" : "ok"))
      .catch(() => current && setAccess("ok"));
    return () => {
      current = false;
    };
  }, [key]);
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
        {access === "needed" ? (
          <KeyPrompt
            refused={key !== ""}
            onKey={(value) => {
              setKey(value);
              setApiKey(value);
            }}
          />
        ) : (
          <Page key={key} />
        )}
      </main>
    </div>
  );
}
