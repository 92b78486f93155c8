import { Link } from "./Link";
import { routes } from "./router";

const tabs = [
  { key: "workflow", label: "Overview", to: routes.workflow },
  { key: "editor", label: "Editor", to: routes.editor },
  { key: "versions", label: "Versions", to: routes.versions },
  { key: "migrations", label: "Migrations", to: routes.migrations },
  { key: "run", label: "Run", to: routes.run },
  { key: "triggers", label: "Schedules & triggers", to: routes.triggers },
  { key: "executions", label: "Executions", to: (id: string) => `${routes.executions}?workflow_id=${encodeURIComponent(id)}` },
] as const;

/** The pages of one workflow, as tabs above each of them. */
export function WorkflowTabs({ id, current }: { id: string; current: (typeof tabs)[number]["key"] }) {
  return (
    <nav className="tabs" aria-label="Workflow pages">
      {tabs.map((tab) => (
        <Link key={tab.key} to={tab.to(id)} aria-current={tab.key === current ? "page" : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
