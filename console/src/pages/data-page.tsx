import { useCallback, useEffect, useState } from "react";
import { getJson, postJson } from "../api";
import { ErrorNote } from "../components/error-note";
import { DatasetUpload } from "./fine-tuning/dataset-upload";
import type { DatasetFile, Job } from "./fine-tuning/fine-tuning-types";
import { JobDetail } from "./fine-tuning/job-detail";
import { JobForm } from "./fine-tuning/job-form";
import { JobList } from "./fine-tuning/job-list";
import "./manage.css";

/** No-code fine-tuning: upload a dataset, read its validation report and the estimate, start, follow the loss curve. */
export function DataPage(props: { subpath?: string }) {
  const [files, setFiles] = useState<DatasetFile[]>([]);
  const [jobs, setJobs] = useState<Job[]>([]);
  const [models, setModels] = useState<string[]>([]);
  const [uploaded, setUploaded] = useState<string>();
  const [selected, setSelected] = useState<string | undefined>(props.subpath || undefined);
  const [error, setError] = useState<unknown>();

  const refresh = useCallback(() => {
    getJson<{ data: DatasetFile[] }>("/v1/files?purpose=fine-tune").then((list) => setFiles(list.data), setError);
    getJson<{ data: Job[] }>("/v1/fine_tuning/jobs?limit=100").then((list) => setJobs(list.data), setError);
  }, []);
  useEffect(() => {
    refresh();
    getJson<{ data: Array<{ id: string }> }>("/v1/models").then((list) => setModels(list.data.map((model) => model.id)), setError);
  }, [refresh]);

  const start = async (request: Record<string, unknown>) => {
    setError(undefined);
    try {
      const job = await postJson<Job>("/v1/fine_tuning/jobs", request);
      setSelected(job.id);
      refresh();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="manage">
      <h1>Data & fine-tuning</h1>
      <ErrorNote error={error} />
      <h2>1. Upload a dataset</h2>
      <DatasetUpload
        onUploaded={(file) => {
          setUploaded(file.id);
          refresh();
        }}
      />
      <h2>2. Fine-tune</h2>
      <JobForm models={models} files={files} preferredFile={uploaded} onStart={start} />
      <h2>3. Jobs</h2>
      <JobList jobs={jobs} selected={selected} onSelect={setSelected} />
      {selected && <JobDetail key={selected} jobId={selected} onChanged={refresh} />}
    </section>
  );
}
