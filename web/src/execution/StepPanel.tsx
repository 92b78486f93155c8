import type { StepRun } from "../api/executions";
import type { StepDefinition } from "../graph/definition";
import { formatTime } from "../components/format";
import { formatDuration } from "./stepStates";

const show = (value: unknown) => JSON.stringify(value, null, 2);

/** One step of a run: its state, the last attempt's input, output and error, and every attempt. */
export function StepPanel({ step, state, runs, onClose }: {
  step: StepDefinition; state: string | undefined; runs: StepRun[]; onClose: () => void;
}) {
  const last = runs.at(-1);
  const total = runs.reduce((sum, r) => sum + (r.duration_ms ?? 0), 0);
  return (
    <aside className="step-panel" aria-label={`Step ${step.name ?? step.id}`} data-testid="step-panel">
      <div className="toolbar">
        <h2>{step.name ?? step.id}</h2>
        <button type="button" onClick={onClose} aria-label="Close step details">×</button>
      </div>
      <dl className="facts">
        <dt>Type</dt>
        <dd><code>{step.type}</code></dd>
        <dt>State</dt>
        <dd data-testid="step-state">{state ?? "—"}</dd>
        <dt>Attempts</dt>
        <dd>{runs.length}</dd>
        <dt>Time spent</dt>
        <dd>{formatDuration(runs.length ? total : null)}</dd>
      </dl>
      {runs.length > 0 && (
        <table className="list attempts" data-testid="attempts">
          <caption>Attempts</caption>
          <thead>
            <tr><th>#</th><th>Status</th><th>Started</th><th>Duration</th><th>Error</th></tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={`${r.attempt}-${r.started_at}`}>
                <td>{r.attempt}</td>
                <td>{r.status}</td>
                <td>{formatTime(r.started_at)}</td>
                <td>{formatDuration(r.duration_ms)}</td>
                <td>{r.error?.message ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {last === undefined && <p className="muted">This step has not run.</p>}
      {last?.input !== undefined && last.input !== null && (
        <><h3>Input</h3><pre className="json" data-testid="step-input">{show(last.input)}</pre></>
      )}
      {last?.output !== undefined && last.output !== null && (
        <><h3>Output</h3><pre className="json" data-testid="step-output">{show(last.output)}</pre></>
      )}
      {last?.error && (
        <><h3>Error</h3><pre className="json error" data-testid="step-error">{show(last.error)}</pre></>
      )}
    </aside>
  );
}

/** The panel's place while no step is chosen. */
export function NoStepSelected() {
  return (
    <aside className="step-panel step-panel-empty" aria-label="Step details">
      <p className="muted">Click a step on the graph, or choose it under Step details, to see its input, output, error and attempts.</p>
    </aside>
  );
}
