import { useCallback, useEffect, useState } from "react";
import { getJson, postForm, postJson } from "../api";
import { ErrorNote } from "../components/error-note";
import { LineChart } from "../components/line-chart";

interface FileRow {
  id: string;
  filename: string;
  bytes: number;
  purpose: string;
  created_at: number;
}

interface JobRow {
  id: string;
  model: string;
  status: string;
  fine_tuned_model: string | null;
  created_at: number;
  error?: { message?: string } | null;
}

interface JobEvent {
  message: string;
  type?: string;
  data?: { step?: number; train_loss?: number } | null;
}

/** No-code customization: upload a dataset, see its validation report, fine-tune, follow the loss curve. */
export function DataPage() {
  const [files, setFiles] = useState<FileRow[]>([]);
  const [jobs, setJobs] = useState<JobRow[]>([]);
  const [models, setModels] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [uploaded, setUploaded] = useState<string>();
  const [form, setForm] = useState({ model: "", file: "", suffix: "custom", epochs: "3" });
  const [selected, setSelected] = useState<string>();
  const [events, setEvents] = useState<JobEvent[]>([]);

  const refresh = useCallback(() => {
    getJson<{ data: FileRow[] }>("/v1/files").then((list) => setFiles(list.data), setError);
    getJson<{ data: JobRow[] }>("/v1/fine_tuning/jobs").then((list) => setJobs(list.data), setError);
    getJson<{ data: Array<{ id: string }> }>("/v1/models").then((list) => setModels(list.data.map((model) => model.id)), setError);
  }, []);
  useEffect(refresh, [refresh]);

  useEffect(() => {
    if (!selected) return;
    const load = () => {
      getJson<{ data: JobEvent[] }>(`/v1/fine_tuning/jobs/${selected}/events?limit=1000`).then((list) => setEvents(list.data), setError);
    };
    load();
    const timer = setInterval(() => {
      load();
      refresh();
    }, 2000);
    return () => clearInterval(timer);
  }, [selected, refresh]);

  const upload = async (file: File) => {
    setError(undefined);
    const body = new FormData();
    body.append("purpose", "fine-tune");
    body.append("file", file);
    try {
      const result = await postForm<FileRow>("/v1/files", body);
      setUploaded(`${result.filename} accepted as ${result.id}`);
      setForm((current) => ({ ...current, file: result.id }));
      refresh();
    } catch (failure) {
      setUploaded(undefined);
      setError(failure);
    }
  };

  const createJob = async () => {
    setError(undefined);
    try {
      const job = await postJson<JobRow>("/v1/fine_tuning/jobs", {
        model: form.model,
        training_file: form.file,
        suffix: form.suffix || undefined,
        hyperparameters: { n_epochs: Number(form.epochs) },
      });
      setSelected(job.id);
      refresh();
    } catch (failure) {
      setError(failure);
    }
  };

  const loss = events
    .filter((event) => event.data?.step !== undefined && event.data?.train_loss !== undefined)
    .map((event) => [event.data!.step!, event.data!.train_loss!] as [number, number])
    .sort(([a], [b]) => a - b);

  return (
    <section>
      <h1>Data & fine-tuning</h1>
      <ErrorNote error={error} />
      <h2>1. Upload a dataset (JSONL)</h2>
      <input type="file" accept=".jsonl,.json,.txt" onChange={(event) => event.target.files?.[0] && void upload(event.target.files[0])} />
      {uploaded && <p className="ok">{uploaded}</p>}
      <table>
        <tbody>
          {files.map((file) => (
            <tr key={file.id}>
              <td className="mono">{file.id}</td>
              <td>{file.filename}</td>
              <td>{file.purpose}</td>
              <td>{file.bytes} bytes</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>2. Fine-tune</h2>
      <div className="form-row">
        <select value={form.model} onChange={(event) => setForm({ ...form, model: event.target.value })}>
          <option value="">base model…</option>
          {models.map((id) => (
            <option key={id}>{id}</option>
          ))}
        </select>
        <select value={form.file} onChange={(event) => setForm({ ...form, file: event.target.value })}>
          <option value="">training file…</option>
          {files.map((file) => (
            <option key={file.id} value={file.id}>
              {file.filename}
            </option>
          ))}
        </select>
        <input value={form.suffix} onChange={(event) => setForm({ ...form, suffix: event.target.value })} placeholder="suffix" />
        <input value={form.epochs} onChange={(event) => setForm({ ...form, epochs: event.target.value })} type="number" min={1} max={50} />
        <button disabled={!form.model || !form.file} onClick={() => void createJob()}>
          Start
        </button>
      </div>
      <h2>3. Jobs</h2>
      <table>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} className={job.id === selected ? "selected" : ""} onClick={() => setSelected(job.id)}>
              <td className="mono">{job.id}</td>
              <td>{job.model}</td>
              <td>{job.status}</td>
              <td className="mono">{job.fine_tuned_model ?? job.error?.message ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected && <LineChart points={loss} label="training loss" />}
    </section>
  );
}
