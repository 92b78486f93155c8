import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { getHistory, getHistoryPoint, rerunFromPoint, type HistoryPoint, type HistoryPointState } from "../api/executions";
import { navigate, routes } from "../components/router";

/** A slider over the execution's history: each point is its start or a committed step run, in commit order. The
 * context shown is the one the server rebuilds for that point, so it is what the steps after it saw. The history is
 * read again whenever `version` changes (the runs did), and the slider follows the newest point unless
 * it was moved back. */
export function HistorySlider({ executionId, version }: { executionId: string; version: string }) {
  const [points, setPoints] = useState<HistoryPoint[]>([]);
  const [chosen, setChosen] = useState<number | null>(null);
  const [state, setState] = useState<HistoryPointState | null>(null);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const message = (e: unknown) => (e instanceof ApiError ? e.message : "The server cannot be reached.");

  useEffect(() => {
    let current = true;
    getHistory(executionId).then((p) => current && setPoints(p), (e) => current && setError(message(e)));
    return () => { current = false; };
  }, [executionId, version]);

  const point = chosen ?? points.length - 1;
  useEffect(() => {
    if (point < 0) return;
    let current = true;
    getHistoryPoint(executionId, point).then((s) => current && setState(s), (e) => current && setError(message(e)));
    return () => { current = false; };
  }, [executionId, point, points.length]);

  if (points.length === 0) return error ? <p className="error" role="alert">{error}</p> : null;
  const shown = points[point];
  const describe = (p: HistoryPoint) =>
    p.kind === "start" ? "start" : p.step_id ? `${p.step_name || p.step_id} ${p.kind}` : p.kind;
  const rerun = async () => {
    setBusy(true);
    setError(null);
    try {
      const started = await rerunFromPoint(executionId, point, live);
      navigate(routes.execution(started.id));
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="history" data-testid="history">
      <label className="history-slider">
        Point in history
        <input type="range" min={0} max={points.length - 1} step={1} value={point}
          aria-valuetext={`${point}: ${describe(shown)}`}
          onChange={(e) => setChosen(Number(e.target.value) === points.length - 1 ? null : Number(e.target.value))} />
      </label>
      <p className="history-point" data-testid="history-point" data-index={point}>
        {point} of {points.length - 1}: {describe(shown)}, execution {shown.status}
      </p>
      <div className="button-row">
        <button type="button" disabled={busy} onClick={() => void rerun()}>{busy ? "Re-running…" : "Re-run from here"}</button>
        <label><input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> run steps with effects live</label>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <h3>Context after this point</h3>
      <pre className="history-context" data-testid="history-context">
        {state && state.index === point ? JSON.stringify(state.context, null, 2) : "…"}
      </pre>
    </div>
  );
}
