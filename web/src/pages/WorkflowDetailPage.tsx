import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { getWorkflow, type WorkflowSummary } from "../api/workflows";
import { WorkflowTabs } from "../components/WorkflowTabs";
import type { WorkflowDefinition } from "../graph/definition";
import { WorkflowGraph } from "../graph/WorkflowGraph";
import { StatusBadge } from "../components/StatusBadge";
import { formatTime } from "../components/format";

type Workflow = WorkflowSummary & Record<string, unknown>;

// The fields the server adds around the stored definition; the rest is the definition as written.
const serverFields = new Set(["id", "status", "current_version", "version", "created_at", "updated_at"]);

export default function WorkflowDetailPage({ id }: { id: string }) {
  const [workflow, setWorkflow] = useState<Workflow | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    getWorkflow(id)
      .then((w) => current && setWorkflow(w))
      .catch((e) => current && setError(e instanceof ApiError ? e.message : "The server cannot be reached."));
    return () => {
      current = false;
    };
  }, [id]);

  const definition = workflow
    ? Object.fromEntries(Object.entries(workflow).filter(([key]) => !serverFields.has(key)))
    : null;

  return (
    <section>
      <WorkflowTabs id={id} current="workflow" />
      {error && <p className="error" role="alert">{error}</p>}
      {workflow && (
        <>
          <div className="toolbar">
            <h1>{workflow.name}</h1>
            <StatusBadge status={workflow.status} />
          </div>
          <dl className="facts">
            <dt>Version</dt>
            <dd>{workflow.current_version}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(workflow.updated_at)}</dd>
            <dt>Id</dt>
            <dd><code>{workflow.id}</code></dd>
          </dl>
          {Array.isArray(workflow.steps) && workflow.steps.length > 0 && (
            <>
              <h2>Graph</h2>
              <WorkflowGraph definition={workflow as unknown as WorkflowDefinition} height={360} />
            </>
          )}
          <h2>Definition</h2>
          <pre className="json" data-testid="definition">{JSON.stringify(definition, null, 2)}</pre>
        </>
      )}
    </section>
  );
}
