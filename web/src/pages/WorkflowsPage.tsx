import { useEffect, useMemo, useState } from "react";
import { ApiError } from "../api/client";
import { listWorkflows, type WorkflowSummary } from "../api/workflows";
import { navigate, routes } from "../components/router";
import { StatusBadge } from "../components/StatusBadge";
import { formatTime } from "../components/format";

export function WorkflowsPage({ tenant }: { tenant: string | null }) {
  const [workflows, setWorkflows] = useState<WorkflowSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState("");

  useEffect(() => {
    let current = true;
    setWorkflows(null);
    setError(null);
    listWorkflows()
      .then((page) => current && setWorkflows(page.items))
      .catch((e) => current && setError(e instanceof ApiError ? e.message : "The server cannot be reached."));
    return () => {
      current = false;
    };
  }, [tenant]);

  const shown = useMemo(() => {
    const term = search.trim().toLowerCase();
    return (workflows ?? []).filter((w) => w.name.toLowerCase().includes(term));
  }, [workflows, search]);

  return (
    <section>
      <div className="toolbar">
        <h1>Workflows</h1>
        <input
          type="search"
          placeholder="Search by name"
          aria-label="Search workflows by name"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {!workflows && !error && <p className="muted">Loading…</p>}
      {workflows && (
        <table className="list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Version</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((w) => (
              <tr key={w.id} data-testid="workflow-row">
                <td>
                  <a
                    href={routes.workflow(w.id)}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(routes.workflow(w.id));
                    }}
                  >
                    {w.name}
                  </a>
                </td>
                <td><StatusBadge status={w.status} /></td>
                <td>{w.current_version}</td>
                <td>{formatTime(w.updated_at)}</td>
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  {workflows.length === 0 ? "No workflows yet." : "No workflow matches this search."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
