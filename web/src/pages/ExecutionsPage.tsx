import { useEffect, useMemo, useState } from "react";
import { filterKeys, listExecutions, type ExecutionFilter, type ExecutionRow } from "../api/executionList";
import { listWorkflows, type WorkflowSummary } from "../api/workflows";
import { Link } from "../components/Link";
import { navigate, routes, useQuery } from "../components/router";
import { StatusBadge } from "../components/StatusBadge";
import { formatTime } from "../components/format";
import { BulkBar } from "./manage/BulkBar";
import { errorText } from "./manage/download";
import "./ExecutionsPage.css";

const pageSize = 20;
const statuses = ["created", "pending", "running", "waiting", "paused", "completed", "failed", "cancelled"];

// datetime-local shows local time; the address and the API hold ISO instants.
const toLocal = (iso?: string) => {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};
const fromLocal = (value: string) => (value ? new Date(value).toISOString() : "");

export default function ExecutionsPage() {
  const query = useQuery();
  const filter: ExecutionFilter = useMemo(
    () => Object.fromEntries(filterKeys.map((k) => [k, query.get(k) ?? ""]).filter(([, v]) => v)),
    [query.toString()],
  );
  const page = Math.max(1, Number(query.get("page")) || 1);
  const [workflows, setWorkflows] = useState<WorkflowSummary[]>([]);
  const [rows, setRows] = useState<ExecutionRow[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [text, setText] = useState(filter.q ?? "");
  const [attribute, setAttribute] = useState(filter.search ?? "");
  const [reload, setReload] = useState(0);

  useEffect(() => {
    listWorkflows().then((p) => setWorkflows(p.items)).catch(() => {});
  }, []);
  useEffect(() => {
    let current = true;
    setError(null);
    listExecutions(filter, page, pageSize)
      .then((p) => {
        if (!current) return;
        setRows(p.items);
        setTotal(p.total);
        setSelected((s) => s.filter((id) => p.items.some((r) => r.id === id)));
      })
      .catch((e) => current && setError(errorText(e)));
    return () => {
      current = false;
    };
  }, [filter, page, reload]);

  const go = (changes: Partial<Record<string, string>>, nextPage = 1) => {
    const next = new URLSearchParams();
    for (const key of filterKeys) {
      const value = key in changes ? changes[key] : filter[key];
      if (value) next.set(key, value);
    }
    if (nextPage > 1) next.set("page", String(nextPage));
    const search = next.toString();
    navigate(`${routes.executions}${search ? `?${search}` : ""}`, true);
  };

  const names = new Map(workflows.map((w) => [w.id, w.name]));
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const allSelected = rows !== null && rows.length > 0 && rows.every((r) => selected.includes(r.id));

  return (
    <section>
      <div className="toolbar"><h1>Executions</h1></div>
      <form
        className="filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text.trim(), search: attribute.trim() });
        }}
      >
        <label className="field">
          <span>Workflow</span>
          <select value={filter.workflow_id ?? ""} onChange={(e) => go({ workflow_id: e.target.value })}>
            <option value="">All workflows</option>
            {workflows.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
            {filter.workflow_id && !names.has(filter.workflow_id) && <option value={filter.workflow_id}>{filter.workflow_id}</option>}
          </select>
        </label>
        <label className="field">
          <span>Status</span>
          <select value={filter.status ?? ""} onChange={(e) => go({ status: e.target.value })}>
            <option value="">Any status</option>
            {statuses.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label className="field">
          <span>From</span>
          <input type="datetime-local" value={toLocal(filter.from)} onChange={(e) => go({ from: fromLocal(e.target.value) })} />
        </label>
        <label className="field">
          <span>To</span>
          <input type="datetime-local" value={toLocal(filter.to)} onChange={(e) => go({ to: fromLocal(e.target.value) })} />
        </label>
        <label className="field">
          <span>Text in the input</span>
          <input type="search" value={text} maxLength={200} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="field">
          <span>Search attribute</span>
          <input type="search" value={attribute} maxLength={250} placeholder="customer=acme" pattern="[^=]+=.*"
            title="name=value" onChange={(e) => setAttribute(e.target.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      <BulkBar selected={selected} filter={filter} total={total} onDone={() => { setSelected([]); setReload((n) => n + 1); }} />
      {error && <p className="error" role="alert">{error}</p>}
      {!rows && !error && <p className="muted">Loading…</p>}
      {rows && (
        <>
          <table className="list">
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={allSelected}
                    onChange={(e) => setSelected(e.target.checked ? rows.map((r) => r.id) : [])}
                  />
                </th>
                <th>Execution</th>
                <th>Workflow</th>
                <th>Status</th>
                <th>Created</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="execution-row">
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select execution ${r.id}`}
                      checked={selected.includes(r.id)}
                      onChange={(e) => setSelected((s) => (e.target.checked ? [...s, r.id] : s.filter((id) => id !== r.id)))}
                    />
                  </td>
                  <td><Link to={routes.execution(r.id)}><code>{r.id.slice(0, 8)}</code></Link></td>
                  <td>{names.get(r.workflow_id) ?? <code>{r.workflow_id.slice(0, 8)}</code>}</td>
                  <td><StatusBadge status={r.status} /></td>
                  <td>{formatTime(r.created_at)}</td>
                  <td>{r.duration_ms != null ? `${r.duration_ms} ms` : "—"}</td>
                </tr>
              ))}
              {rows.length === 0 && (
                <tr><td colSpan={6} className="muted">No execution matches these filters.</td></tr>
              )}
            </tbody>
          </table>
          <nav className="pager" aria-label="Pages">
            <button type="button" className="secondary" disabled={page <= 1} onClick={() => go({}, page - 1)}>Previous</button>
            <span data-testid="page-info">Page {page} of {pages} · {total} executions</span>
            <button type="button" className="secondary" disabled={page >= pages} onClick={() => go({}, page + 1)}>Next</button>
          </nav>
        </>
      )}
    </section>
  );
}
