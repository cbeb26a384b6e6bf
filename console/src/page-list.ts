import { lazy, type ComponentType } from "react";
import type { PageNeed } from "./access";
import { ConfigPage } from "./pages/config-page";
import { DataPage } from "./pages/data-page";
import { LogsPage } from "./pages/logs/logs-page";
import { ModelsPage } from "./pages/models-page";
import { PlaygroundPage } from "./pages/playground-page";
import { UsagePage } from "./pages/usage-page";
import { AdminAuditPage } from "./pages/audit/admin-audit-page";
import { GuardrailAuditPage } from "./pages/audit/guardrail-audit-page";
import { DeploymentsPage } from "./pages/deployments/deployments-page";
import { KnowledgePage } from "./pages/knowledge/knowledge-page";
import { ProjectsPage } from "./pages/projects/projects-page";

/**
 * Pages that draw charts load on first visit, so chart.js stays out of the bundle every visitor downloads
 * (`lazy(() => import(...))` works for any page; the shell shows "Loading…" meanwhile).
 */
const EvaluationsPage = lazy(() => import("./pages/evaluations/evaluations-page").then((module) => ({ default: module.EvaluationsPage })));
const FlywheelPage = lazy(() => import("./pages/flywheel/flywheel-page").then((module) => ({ default: module.FlywheelPage })));

/** What every page gets: the part of the address after its id (`#models/gpt-4o` gives `gpt-4o`). */
export interface PageProps {
  subpath: string;
}

/** The navigation's groups, in the order they are shown. */
export const sections = ["Build", "Customize", "Observe", "Manage"] as const;
export type Section = (typeof sections)[number];

export interface PageEntry {
  /** The address: `#<id>` (and `#<id>/<subpath>`). */
  id: string;
  title: string;
  section: Section;
  component: ComponentType<PageProps>;
  /** Who sees the page in the navigation (see access.tsx); default `key`. */
  needs?: PageNeed;
}

/**
 * Every page of the console, one line each: add a page by adding a line. The navigation groups them by
 * section in this order and leaves out those the key cannot use.
 */
export const pageList: PageEntry[] = [
  { id: "models", title: "Models", section: "Build", component: ModelsPage },
  { id: "playground", title: "Playground", section: "Build", component: PlaygroundPage },
  { id: "data", title: "Data & fine-tuning", section: "Customize", component: DataPage },
  { id: "evaluations", title: "Evaluations", section: "Customize", component: EvaluationsPage, needs: "admin-read" },
  { id: "usage", title: "Usage", section: "Observe", component: UsagePage },
  { id: "logs", title: "Logs", section: "Observe", component: LogsPage, needs: "admin-read" },
  { id: "config", title: "Configuration", section: "Manage", component: ConfigPage, needs: "master" },
  { id: "knowledge", title: "Knowledge bases", section: "Customize", component: KnowledgePage },
  { id: "deployments", title: "Deployments", section: "Customize", component: DeploymentsPage, needs: "admin-read" },
  { id: "guardrails", title: "Guardrail audit", section: "Observe", component: GuardrailAuditPage, needs: "admin-read" },
  { id: "audit", title: "Admin audit log", section: "Observe", component: AdminAuditPage, needs: "admin-read" },
  { id: "projects", title: "Projects & keys", section: "Manage", component: ProjectsPage, needs: "admin-read" },
  { id: "flywheel", title: "Flywheel", section: "Customize", component: FlywheelPage, needs: "admin-read" },
];
