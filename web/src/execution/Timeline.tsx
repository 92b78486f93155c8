import type { StepRun } from "../api/executions";
import { formatDuration } from "./stepStates";

/** A Gantt of the run: one row per attempt of each step, its bar placed on the execution's time axis. A run still
 * going (waiting, running) reaches to now. */
export function Timeline({ runs, startedAt, endedAt, now }: {
  runs: StepRun[]; startedAt: string | null; endedAt: string | null; now: number;
}) {
  const timed = runs.filter((r) => r.started_at);
  if (!startedAt || timed.length === 0) return <p className="muted">No step has run yet.</p>;
  const start = Math.min(Date.parse(startedAt), ...timed.map((r) => Date.parse(r.started_at!)));
  // A run with no end yet reaches to now, or to the execution's end when it was cut short (cancelled).
  const endOf = (r: StepRun) => (r.finished_at ? Date.parse(r.finished_at) : endedAt ? Date.parse(endedAt) : now);
  const end = Math.max(endedAt ? Date.parse(endedAt) : now, ...timed.map(endOf), start + 1);
  const span = end - start;
  const ordered = [...timed].sort((a, b) => Date.parse(a.started_at!) - Date.parse(b.started_at!));
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-axis" aria-hidden="true">
        <span>0</span>
        <span>{formatDuration(span / 2)}</span>
        <span>{formatDuration(span)}</span>
      </div>
      <ol className="timeline-rows">
        {ordered.map((r) => {
          const left = ((Date.parse(r.started_at!) - start) / span) * 100;
          const width = Math.max(0.5, ((endOf(r) - Date.parse(r.started_at!)) / span) * 100);
          const duration = r.duration_ms ?? endOf(r) - Date.parse(r.started_at!);
          const label = `${r.step_name || r.step_id}, attempt ${r.attempt}: ${r.status}, ${formatDuration(duration)}`;
          return (
            <li key={`${r.step_id}-${r.attempt}`} className="timeline-row" data-testid="timeline-bar" data-step-id={r.step_id} data-attempt={r.attempt}>
              <span className="timeline-label">{r.step_name || r.step_id} #{r.attempt}</span>
              <span className="timeline-track">
                <span className={`timeline-bar state-${r.status}`} style={{ left: `${Math.min(left, 99.5)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.5))}%` }}
                  title={label} aria-label={label} role="img" />
              </span>
              <span className="timeline-duration">{r.status} · {formatDuration(duration)}</span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
