import { useCallback, useEffect, useMemo, useState } from "react";
import {
  createWorkflow, deleteWorkflow, definitionOf, getWorkflow, listWorkflows, setWorkflowStatus, type WorkflowSummary,
} from "../api/workflows";
import { Link } from "../components/Link";
import { routes } from "../components/router";
import { StatusBadge } from "../components/StatusBadge";
import { formatTime } from "../components/format";
import { DeleteDialog } from "./manage/DeleteDialog";
import { JsonImport } from "./manage/JsonImport";
import { downloadJson, errorText, fileNameOf } from "./manage/download";
import "./WorkflowsPage.css";

export function WorkflowsPage({ tenant }: { tenant: string | null }) {
  const [workflows, setWorkflows] = useState<WorkflowSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<WorkflowSummary | null>(null);

  const load = useCallback(() => {
    let current = true;
    listWorkflows()
      .then((page) => current && setWorkflows(page.items))
      .catch((e) => current && setError(errorText(e)));
    return () => {
      current = false;
    };
  }, []);
  useEffect(() => load(), [tenant, load]);

  const shown = useMemo(() => {
    const term = search.trim().toLowerCase();
    return (workflows ?? []).filter((w) => w.name.toLowerCase().includes(term));
  }, [workflows, search]);

  const act = async (what: () => Promise<string>) => {
    setError(null);
    setNotice(null);
    try {
      setNotice(await what());
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const duplicate = (w: WorkflowSummary) =>
    act(async () => {
      const definition = definitionOf(await getWorkflow(w.id));
      const copy = await createWorkflow({ ...definition, name: `${w.name} (copy)` });
      return `Created “${copy.name}”.`;
    });
  const toggleArchive = (w: WorkflowSummary) =>
    act(async () => {
      const archived = w.status === "archived";
      await setWorkflowStatus(w.id, archived ? "active" : "archived");
      return archived ? `“${w.name}” is active again.` : `“${w.name}” is archived.`;
    });
  const exportJson = (w: WorkflowSummary) =>
    act(async () => {
      downloadJson(fileNameOf(w.name), definitionOf(await getWorkflow(w.id)));
      return `Exported “${w.name}”.`;
    });

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
        <div className="toolbar-actions">
          <button type="button" className="secondary" aria-expanded={importing} onClick={() => setImporting(!importing)}>
            Import JSON
          </button>
          <Link to={routes.newWorkflow} className="button">New workflow</Link>
        </div>
      </div>
      {importing && (
        <div className="panel">
          <h2>Import a workflow</h2>
          <JsonImport
            label="Import"
            onCreated={(w) => {
              setImporting(false);
              setNotice(`Imported “${w.name}”.`);
              load();
            }}
          />
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {notice && <p className="notice" role="status">{notice}</p>}
      {!workflows && !error && <p className="muted">Loading…</p>}
      {workflows && (
        <table className="list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Last run</th>
              <th>Version</th>
              <th>Updated</th>
              <th><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {shown.map((w) => (
              <tr key={w.id} data-testid="workflow-row">
                <td><Link to={routes.workflow(w.id)}>{w.name}</Link></td>
                <td><StatusBadge status={w.status} /></td>
                <td data-testid="last-run">
                  {w.last_execution ? (
                    <Link to={routes.execution(w.last_execution.id)} aria-label={`Last run of ${w.name}: ${w.last_execution.status}`}>
                      <StatusBadge status={w.last_execution.status} />{" "}
                      <span className="muted">{formatTime(w.last_execution.started_at ?? w.last_execution.created_at)}</span>
                    </Link>
                  ) : (
                    <span className="muted">Never run</span>
                  )}
                </td>
                <td>{w.current_version}</td>
                <td>{formatTime(w.updated_at)}</td>
                <td className="row-actions">
                  <button type="button" className="link" aria-label={`Duplicate ${w.name}`} onClick={() => duplicate(w)}>Duplicate</button>
                  <button type="button" className="link" aria-label={`${w.status === "archived" ? "Unarchive" : "Archive"} ${w.name}`} onClick={() => toggleArchive(w)}>
                    {w.status === "archived" ? "Unarchive" : "Archive"}
                  </button>
                  <button type="button" className="link" aria-label={`Export ${w.name}`} onClick={() => exportJson(w)}>Export</button>
                  <button type="button" className="link danger-link" aria-label={`Delete ${w.name}`} onClick={() => setDeleting(w)}>Delete</button>
                </td>
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {workflows.length === 0 ? "No workflows yet." : "No workflow matches this search."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {deleting && (
        <DeleteDialog
          name={deleting.name}
          onClose={() => setDeleting(null)}
          onConfirm={(history) => {
            const w = deleting;
            setDeleting(null);
            act(async () => {
              await deleteWorkflow(w.id, history);
              return `Deleted “${w.name}”${history ? " and its finished executions" : ""}.`;
            });
          }}
        />
      )}
    </section>
  );
}
