import { useEffect, useRef } from "react";
import type { LogLine } from "../api/executions";

/** The execution's log lines as they come, kept scrolled to the newest unless the reader scrolled up. */
export function LogList({ logs }: { logs: LogLine[] }) {
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  useEffect(() => {
    const el = box.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [logs]);
  if (logs.length === 0) return <p className="muted">No log lines yet.</p>;
  return (
    <div className="log-list" ref={box} tabIndex={0} role="log" aria-label="Execution logs" data-testid="logs"
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
      }}>
      {logs.map((l, i) => (
        <div key={i} className={`log-line log-${l.level}`}>
          <time dateTime={l.timestamp}>{new Date(l.timestamp).toLocaleTimeString()}</time>
          <span className="log-level">{l.level}</span>
          {l.step_id && <code>{l.step_id}</code>}
          <span>{l.message}</span>
        </div>
      ))}
    </div>
  );
}
