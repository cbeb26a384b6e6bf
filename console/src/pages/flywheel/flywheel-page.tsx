import { useCallback, useEffect, useState } from "react";
import { getJson } from "../../api";
import { canAdminister, useAccess } from "../../access";
import { ErrorNote } from "../../components/error-note";
import type { PageProps } from "../../page-list";
import type { EvaluationRecord } from "../evaluations/evaluation-types";
import type { Job } from "../fine-tuning/fine-tuning-types";
import { BeforeAfterCard } from "./before-after-card";
import { DatasetStep } from "./dataset-step";
import { EvaluationStep } from "./evaluation-step";
import { FineTuneStep, latestJobFor } from "./fine-tune-step";
import { projectQuery, type BuiltDataset, type FlywheelScope, type Promotion } from "./flywheel-types";
import { LogsStep } from "./logs-step";
import { PromotionStep } from "./promotion-step";
import { recall, remember, scopeFor } from "./flywheel-memory";
import { ScopeForm } from "./scope-form";
import "../manage.css";

const DEFAULT_QUERY = { model: "", q: "", lastDays: 7, minScore: "", validationFraction: 0.2, seed: 0 };

/**
 * The loop on one page (admin and viewer keys): logged traffic -> dataset -> fine-tune -> evaluation -> gated
 * promotion, each with its state for the chosen project and query, and a before/after card. Every figure and
 * every action is the public HTTP API's; a viewer sees the same states without the buttons.
 */
export function FlywheelPage(_props: PageProps) {
  const access = useAccess();
  const canAct = canAdminister(access);
  const global = access.admin === "master";
  const [scope, setScope] = useState<FlywheelScope>(() => scopeFor(access.projectId ?? "default", global, DEFAULT_QUERY));
  const [models, setModels] = useState<string[]>([]);
  const [dataset, setDataset] = useState<BuiltDataset>();
  const [job, setJob] = useState<Job>();
  const [jobId, setJobId] = useState<string>();
  const [evaluationId, setEvaluationId] = useState<string>();
  const [promotion, setPromotion] = useState<Promotion>();
  const [promotionId, setPromotionId] = useState<string>();
  const [error, setError] = useState<unknown>();
  // Fine-tuning is a /v1 call: it acts for the key's own project (the master key's is "default").
  const ownProject = (access.projectId ?? "default") === scope.projectId;

  useEffect(() => {
    getJson<{ data: Array<{ id: string }> }>("/v1/models").then((list) => setModels(list.data.map((model) => model.id)), setError);
  }, []);

  // Where the project stands already: its newest promotion and flywheel evaluation, and the key's newest job.
  useEffect(() => {
    setDataset(recall(scope.projectId).dataset);
    setPromotion(undefined);
    setJob(undefined);
    getJson<{ data: Promotion[] }>(`/admin/promotions?${projectQuery(scope, { limit: "1" })}`).then((list) => setPromotionId(list.data[0]?.id), setError);
    getJson<{ data: EvaluationRecord[] }>(`/admin/evaluations?${projectQuery(scope, { limit: "20" })}`).then(
      (list) => setEvaluationId(list.data.find((record) => record.name?.startsWith("flywheel:"))?.id),
      setError,
    );
    if (ownProject) latestJobFor(undefined).then((latest) => setJobId(latest?.id), setError);
    else setJobId(undefined);
    // Only a new project starts over: a new query keeps the job, evaluation and promotion in view.
  }, [scope.projectId, scope.global, ownProject]);

  const onJob = useCallback((next: Job) => {
    setJob(next);
    setJobId(next.id);
  }, []);
  const onPromotion = useCallback((next: Promotion) => {
    setPromotion(next);
    setPromotionId(next.id);
  }, []);
  const apply = (next: FlywheelScope) => {
    const { projectId, global: _global, ...query } = next;
    remember(projectId, { query });
    setScope({ ...next });
  };
  const onBuilt = (built: BuiltDataset) => {
    remember(scope.projectId, { dataset: built });
    setDataset(built);
  };
  const candidate = job?.status === "succeeded" && job.fine_tuned_model ? job.fine_tuned_model : "";

  return (
    <section className="manage flywheel">
      <h1>Flywheel</h1>
      <p className="muted">Your own traffic makes your own cheaper model, safely: each step below reads and acts through the gateway&apos;s API (docs/flywheel.md).</p>
      {!canAct && <p className="hint">Read-only: this key sees every step; an admin key acts.</p>}
      <ScopeForm scope={scope} models={models} onApply={apply} />
      <ErrorNote error={error} />
      <LogsStep scope={scope} canAct={canAct} />
      <DatasetStep scope={scope} canAct={canAct} dataset={dataset} onBuilt={onBuilt} />
      <FineTuneStep scope={scope} canAct={canAct} ownProject={ownProject} dataset={dataset} models={models} jobId={jobId} onJob={onJob} />
      <EvaluationStep scope={scope} canAct={canAct} dataset={dataset} candidate={candidate} evaluationId={evaluationId} onEvaluation={(record) => setEvaluationId(record.id)} />
      <PromotionStep scope={scope} canAct={canAct} candidate={candidate} promotionId={promotionId} onPromotion={onPromotion} />
      <BeforeAfterCard scope={scope} promotion={promotion} />
    </section>
  );
}
