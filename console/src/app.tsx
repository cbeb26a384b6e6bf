import { Suspense, useEffect, useState } from "react";
import { AccessContext, allows, describeAccess, fetchAccess, type ConsoleAccess } from "./access";
import { getApiKey, setApiKey } from "./api";
import { KeyPrompt } from "./components/key-prompt";
import { NavigationMenu } from "./components/navigation-menu";
import { pageList, type PageEntry } from "./page-list";

interface Place {
  page: PageEntry;
  subpath: string;
}

/** `#models/openai%2Fgpt-4o` -> the Models page with subpath `openai/gpt-4o`; anything unknown -> the first page. */
function placeOf(hash: string): Place {
  const address = hash.replace(/^#/, "");
  const slash = address.indexOf("/");
  const id = slash === -1 ? address : address.slice(0, slash);
  const rest = slash === -1 ? "" : address.slice(slash + 1);
  const page = pageList.find((entry) => entry.id === id) ?? pageList[0]!;
  let subpath = rest;
  try {
    subpath = decodeURIComponent(rest);
  } catch {
    // A hand-typed address with a stray '%': keep it as typed.
  }
  return { page, subpath };
}

/** "unknown" until the gateway has answered; "needed" while it refuses the key (401). */
type KeyState = { state: "unknown" } | { state: "needed" } | { state: "ok"; access: ConsoleAccess };

export function App() {
  const [place, setPlace] = useState(() => placeOf(location.hash));
  const [key, setKey] = useState(getApiKey());
  const [keyState, setKeyState] = useState<KeyState>({ state: "unknown" });

  // Links are plain `#page` anchors; every page may also send the console elsewhere ("open in playground").
  useEffect(() => {
    const follow = () => setPlace(placeOf(location.hash));
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);

  useEffect(() => {
    let current = true;
    setKeyState({ state: "unknown" });
    fetch("/v1/models", { headers: key ? { authorization: `Bearer ${key}` } : {} })
      .then(async (response) => {
        if (response.status === 401) return current && setKeyState({ state: "needed" });
        const access = await fetchAccess();
        if (current) setKeyState({ state: "ok", access });
      })
      .catch(() => current && setKeyState({ state: "ok", access: { admin: "none" } }));
    return () => {
      current = false;
    };
  }, [key]);

  const chooseKey = (value: string) => {
    setKey(value);
    setApiKey(value);
  };
  const access = keyState.state === "ok" ? keyState.access : { admin: "none" as const };
  const Page = place.page.component;
  const allowed = allows(access, place.page.needs ?? "key");

  return (
    <AccessContext.Provider value={access}>
      <div className="shell">
        <header>
          <a className="brand" href="#models">
            Switchyard
          </a>
          {keyState.state === "ok" && (
            <span className="access-badge" data-testid="access">
              {describeAccess(access)}
            </span>
          )}
          <label className="key">
            API key
            <input type="password" value={key} placeholder="not needed without a master key" onChange={(event) => chooseKey(event.target.value)} />
          </label>
        </header>
        <div className="frame">
          <NavigationMenu pages={pageList.filter((entry) => allows(access, entry.needs ?? "key"))} current={place.page.id} />
          <main>
            {keyState.state === "needed" && <KeyPrompt refused={key !== ""} onKey={chooseKey} />}
            {keyState.state === "unknown" && <p className="muted">Checking the key…</p>}
            {keyState.state === "ok" && !allowed && (
              <p role="alert">
                {place.page.title} needs {place.page.needs === "master" ? "the master key" : "the master key or a project key with the role admin or viewer"}. Type one into the API key field.
              </p>
            )}
            {keyState.state === "ok" && allowed && (
              <Suspense fallback={<p className="muted">Loading…</p>}>
                <Page key={`${key} ${place.page.id}`} subpath={place.subpath} />
              </Suspense>
            )}
          </main>
        </div>
      </div>
    </AccessContext.Provider>
  );
}
