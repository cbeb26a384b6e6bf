import type { DatasetFile } from "./fine-tuning-types";

/** A dataset's validation report: format, examples and tokens per example. */
export function DatasetStats({ file }: { file: DatasetFile }) {
  const report = file.dataset;
  if (!report) return <p className="muted">{file.filename} has no validation report (uploaded with purpose {file.purpose}).</p>;
  const stats = report.statistics;
  return (
    <dl className="facts stats-grid" data-testid="dataset-stats" aria-label={`Validation of ${file.filename}`}>
      <dt>Validation</dt>
      <dd className={report.valid ? "ok" : "error"}>{report.valid ? "passed" : `${report.errors.length} problem(s)`}</dd>
      <dt>Format</dt>
      <dd>{report.format ?? "unknown"}</dd>
      <dt>Examples</dt>
      <dd>{stats.examples}</dd>
      <dt>Tokens</dt>
      <dd>{stats.totalTokens}</dd>
      <dt>Tokens per example</dt>
      <dd>
        {stats.minTokensPerExample} min · {stats.meanTokensPerExample} mean · {stats.maxTokensPerExample} max
      </dd>
    </dl>
  );
}
