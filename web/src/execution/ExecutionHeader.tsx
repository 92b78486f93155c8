import type { Execution } from "../api/executions";
import { Link } from "../components/Link";
import { routes } from "../components/router";
import { formatTime } from "../components/format";
import { formatDuration } from "./stepStates";
import type { ConnectionState } from "./socket";

const connectionText: Record<ConnectionState, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  stopped: "not live",
};

/** Workflow, status, progress and times of one execution, and whether the view is live. */
export function ExecutionHeader({ execution, name, connection, connectionDetail, now }: {
  execution: Execution; name: string; connection: ConnectionState; connectionDetail?: string; now: number;
}) {
  const { totalNodes, completedNodes, percentage } = execution.progress;
  const started = execution.started_at ? Date.parse(execution.started_at) : null;
  const duration = execution.duration_ms ?? (started !== null ? now - started : null);
  return (
    <header className="execution-header">
      <div className="toolbar">
        <h1>
          <Link to={routes.workflow(execution.workflow_id)}>{name}</Link> <span className="muted">execution</span>
        </h1>
        <span className={`connection connection-${connection}`} role="status" data-testid="connection" title={connectionDetail}>
          {connectionText[connection]}
          {connectionDetail && connection === "stopped" ? `: ${connectionDetail}` : ""}
        </span>
      </div>
      <div className="execution-summary">
        <span className={`badge badge-${execution.status}`} data-testid="execution-status">{execution.status}</span>
        {execution.mode === "manual" && <span className="badge">manual mode</span>}
        {execution.is_test && <span className="badge">test run</span>}
        <div className="progress-line">
          <progress max={100} value={percentage} aria-label="Progress" data-testid="progress" data-percentage={percentage} />
          <span>{completedNodes} of {totalNodes} steps ({percentage}%)</span>
        </div>
      </div>
      <dl className="facts">
        <dt>Started</dt>
        <dd>{formatTime(execution.started_at)}</dd>
        <dt>Ended</dt>
        <dd>{formatTime(execution.completed_at)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(duration)}</dd>
        <dt>Id</dt>
        <dd><code>{execution.id}</code></dd>
        {Object.entries(execution.search_attributes ?? {}).map(([name, value]) => (
          <SearchAttribute key={name} name={name} value={value} />
        ))}
      </dl>
      {execution.error?.message && (
        <p className="error" role="alert">
          {execution.error.step_name ? `Step ${execution.error.step_name}: ` : ""}{execution.error.message}
        </p>
      )}
    </header>
  );
}

/** One search attribute, linked to the executions with the same value. */
function SearchAttribute({ name, value }: { name: string; value: string }) {
  const search = new URLSearchParams({ search: `${name}=${value}` });
  return (
    <>
      <dt>{name}</dt>
      <dd><Link to={`${routes.executions}?${search}`} data-testid={`search-attribute-${name}`}>{value}</Link></dd>
    </>
  );
}
