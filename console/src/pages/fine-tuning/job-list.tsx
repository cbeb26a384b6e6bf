import { clock, type Job } from "./fine-tuning-types";

/** The project's jobs, newest first; choosing one opens its detail. */
export function JobList(props: { jobs: Job[]; selected?: string; onSelect: (id: string) => void }) {
  if (props.jobs.length === 0) return <p className="muted">No fine-tuning jobs yet.</p>;
  return (
    <table data-testid="jobs-table">
      <caption className="visually-hidden">Fine-tuning jobs</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Base model</th>
          <th scope="col">Status</th>
          <th scope="col">Fine-tuned model</th>
          <th scope="col">Created (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {props.jobs.map((job) => (
          <tr key={job.id} className={job.id === props.selected ? "selected" : undefined}>
            <td>
              <button type="button" className="link mono" aria-pressed={job.id === props.selected} onClick={() => props.onSelect(job.id)}>
                {job.id}
              </button>
            </td>
            <td className="mono">{job.model}</td>
            <td>
              <span className={`badge status-${job.status}`}>{job.status}</span>
            </td>
            <td className="mono">{job.fine_tuned_model ?? job.error?.message ?? ""}</td>
            <td>{clock(job.created_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
