import { useMemo, useState } from "react";
import type { TestRun } from "../api/executions";
import type { WorkflowDefinition } from "../graph/definition";
import { WorkflowGraph } from "../graph/WorkflowGraph";
import { Link } from "../components/Link";
import { routes } from "../components/router";
import { NoStepSelected, StepPanel } from "./StepPanel";
import { formatDuration, runsByStep, stepStates } from "./stepStates";
import { Timeline } from "./Timeline";

/** A test run's whole trace: the graph coloured by what each step did, a step's details on click, the timeline. */
export function TestTrace({ run, definition }: { run: TestRun; definition: WorkflowDefinition }) {
  const states = useMemo(() => stepStates(definition, run, run.steps), [definition, run]);
  const byStep = useMemo(() => runsByStep(run.steps), [run]);
  const firstFailed = run.steps.find((s) => s.status === "failed")?.step_id ?? null;
  const [selected, setSelected] = useState<string | null>(firstFailed);
  const step = selected ? definition.steps.find((s) => s.id === selected) : undefined;
  const end = run.completed_at ? Date.parse(run.completed_at) : Date.now();
  return (
    <section className="test-trace" aria-label="Test run trace" data-testid="test-trace">
      <div className="toolbar">
        <h2>
          Test run <span className={`badge badge-${run.status}`} data-testid="test-status">{run.status}</span>
        </h2>
        <span className="muted">
          {run.duration_ms !== null && `${formatDuration(run.duration_ms)} · `}<Link to={routes.execution(run.id)}>open the execution</Link>
        </span>
      </div>
      {run.virtual_time && run.virtual_time.skipped_ms > 0 && (
        <p className="muted" data-testid="skipped-time">
          Skipped {formatSpan(run.virtual_time.skipped_ms)} of waiting ({run.virtual_time.jumps} timers fired at once).
        </p>
      )}
      {run.missing && run.missing.length > 0 && (
        <p role="status">
          Waiting for {run.missing.map((w) => (w.kind === "event" ? `event “${w.name}” at step ${w.step_id}` : `input at step ${w.step_id}`)).join(", ")}.
        </p>
      )}
      {run.timed_out && <p className="error" role="alert">The test run did not end within its time limit; this is its state so far.</p>}
      {run.error?.message && <p className="error" role="alert">{run.error.message}</p>}
      <div className="execution-main">
        <WorkflowGraph definition={definition} states={states} selectedStep={selected} onSelectStep={setSelected} height={400} />
        {step ? (
          <StepPanel step={step} state={states[step.id]} runs={byStep[step.id] ?? []} onClose={() => setSelected(null)} />
        ) : (
          <NoStepSelected />
        )}
      </div>
      <label className="step-picker">
        Step details{" "}
        <select value={selected ?? ""} onChange={(e) => setSelected(e.target.value || null)}>
          <option value="">—</option>
          {definition.steps.map((s) => (
            <option key={s.id} value={s.id}>{s.name ?? s.id} ({states[s.id]})</option>
          ))}
        </select>
      </label>
      <h3>Timeline</h3>
      <Timeline runs={run.steps} startedAt={run.started_at} endedAt={run.completed_at} now={end} />
      {run.output !== undefined && run.output !== null && (
        <>
          <h3>Output</h3>
          <pre className="json" data-testid="test-output">{JSON.stringify(run.output, null, 2)}</pre>
        </>
      )}
    </section>
  );
}

/** A skipped span in days, hours and minutes: a test run may skip weeks, which minutes alone would hide. */
function formatSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const parts = [[Math.floor(minutes / 1440), "d"], [Math.floor((minutes % 1440) / 60), "h"], [minutes % 60, "min"]] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}`);
  return shown.length > 0 ? shown.join(" ") : formatDuration(ms);
}
