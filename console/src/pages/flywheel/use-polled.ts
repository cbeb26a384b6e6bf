import { useEffect, useState } from "react";
import { getJson } from "../../api";

/**
 * Reads `path` and reads it again every `everyMs` while `again(value)` says it is still moving (a job training,
 * an evaluation running). A new path starts over; `undefined` reads nothing. `reload()` reads at once.
 */
export function usePolled<T>(path: string | undefined, again: (value: T) => boolean, everyMs = 1000) {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    setError(undefined);
    // A new path shows nothing until it is read, never the previous record under the new one's name.
    setValue(undefined);
    if (path === undefined) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      getJson<T>(path).then(
        (answer) => {
          if (!current) return;
          setValue(answer);
          setError(undefined);
          if (again(answer)) timer = setTimeout(() => void load(), everyMs);
        },
        (failure: unknown) => current && setError(failure),
      );
    void load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `again` is a predicate of the caller's render; the path and the round decide when to read.
  }, [path, round, everyMs]);
  return { value, error, reload: () => setRound((count) => count + 1) };
}
