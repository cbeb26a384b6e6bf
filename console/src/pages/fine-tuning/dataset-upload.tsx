import { useId, useState } from "react";
import { ApiError, postForm } from "../../api";
import type { DatasetFile, LineIssue } from "./fine-tuning-types";

/** Uploads a JSONL dataset: the gateway validates every line before it stores anything. */
export function DatasetUpload(props: { onUploaded: (file: DatasetFile) => void }) {
  const id = useId();
  const [accepted, setAccepted] = useState<string>();
  const [failure, setFailure] = useState<{ message: string; issues: LineIssue[] }>();
  const upload = async (file: File) => {
    setAccepted(undefined);
    setFailure(undefined);
    const body = new FormData();
    body.append("purpose", "fine-tune");
    body.append("file", file);
    try {
      const stored = await postForm<DatasetFile>("/v1/files", body);
      setAccepted(`${stored.filename} accepted as ${stored.id}`);
      props.onUploaded(stored);
    } catch (error) {
      const report = error instanceof ApiError ? (error.detail?.report as { errors?: LineIssue[] } | undefined) : undefined;
      setFailure({ message: error instanceof Error ? error.message : String(error), issues: report?.errors ?? [] });
    }
  };
  return (
    <div>
      <label htmlFor={`${id}-file`}>
        Dataset file (JSONL: chat <span className="mono">{"{messages}"}</span> or <span className="mono">{"{prompt, completion}"}</span> per line)
        <input id={`${id}-file`} type="file" accept=".jsonl,.json,.txt" onChange={(event) => event.target.files?.[0] && void upload(event.target.files[0])} />
      </label>
      {accepted && (
        <p className="ok" role="status">
          {accepted}
        </p>
      )}
      {failure && (
        <div role="alert">
          <p className="error">{failure.message}</p>
          {failure.issues.length > 1 && (
            <ul className="issues">
              {failure.issues.map((issue, index) => (
                <li key={index}>
                  {issue.line > 0 ? `line ${issue.line}: ` : ""}
                  {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
