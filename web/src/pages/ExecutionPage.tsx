import { useMemo, useState } from "react";
import { EndedActions } from "../execution/EndedActions";
import { ExecutionActions } from "../execution/ExecutionActions";
import { ExecutionHeader } from "../execution/ExecutionHeader";
import { EventForm, ManualInputForms } from "../execution/InputForms";
import { LogList } from "../execution/LogList";
import { NoStepSelected, StepPanel } from "../execution/StepPanel";
import { isTerminal, runsByStep, stepStates } from "../execution/stepStates";
import { HistorySlider } from "../execution/HistorySlider";
import { Timeline } from "../execution/Timeline";
import { useExecution } from "../execution/useExecution";
import { useNow } from "../execution/useNow";
import { WorkflowGraph } from "../graph/WorkflowGraph";
import "../execution/execution.css";
import "./ExecutionPage.css";

/** The live view of one execution: its graph coloured by step state, the operator's controls, the step details,
 * a timeline of the attempts with a slider over the history (the context after each point), and the logs, all kept current over the WebSocket. */
export default function ExecutionPage({ id }: { id: string }) {
  const view = useExecution(id);
  const { execution, runs, logs, definition } = view;
  const [selected, setSelected] = useState<string | null>(null);
  const now = useNow(!!execution && !isTerminal(execution.status));
  const states = useMemo(
    () => (execution && definition ? stepStates(definition, execution, runs) : {}),
    [execution, definition, runs],
  );
  const byStep = useMemo(() => runsByStep(runs), [runs]);

  if (!execution) {
    return view.error ? <p className="error" role="alert">{view.error}</p> : <p className="muted">Loading…</p>;
  }
  const step = selected ? definition?.steps.find((s) => s.id === selected) : undefined;
  return (
    <section className="execution-page">
      <ExecutionHeader execution={execution} name={definition?.name ?? "Workflow"} connection={view.connection}
        connectionDetail={view.connectionDetail} now={now} />
      {view.error && <p className="error" role="alert">{view.error}</p>}
      <ExecutionActions execution={execution} onDone={view.refresh} />
      {isTerminal(execution.status) && <EndedActions execution={execution} />}
      {definition && <ManualInputForms execution={execution} definition={definition} onDone={view.refresh} />}
      <div className="execution-main">
        {definition && (
          <WorkflowGraph definition={definition} states={states} selectedStep={selected} onSelectStep={setSelected} height={440} />
        )}
        {step ? (
          <StepPanel step={step} state={states[step.id]} runs={byStep[step.id] ?? []} onClose={() => setSelected(null)} />
        ) : (
          <NoStepSelected />
        )}
      </div>
      {definition && (
        <label className="step-picker">
          Step details{" "}
          <select value={selected ?? ""} onChange={(e) => setSelected(e.target.value || null)}>
            <option value="">—</option>
            {definition.steps.map((s) => (
              <option key={s.id} value={s.id}>{s.name ?? s.id} ({states[s.id] ?? "pending"})</option>
            ))}
          </select>
        </label>
      )}
      <h2>Timeline</h2>
      <Timeline runs={runs} startedAt={execution.started_at} endedAt={execution.completed_at} now={now} />
      <HistorySlider executionId={execution.id}
        version={`${execution.status}:${runs.map((r) => `${r.step_id}.${r.attempt}.${r.status}`).join(",")}`} />
      <div className="execution-lower">
        <div>
          <h2>Logs</h2>
          <LogList logs={logs} />
        </div>
        <EventForm execution={execution} onDone={view.refresh} />
      </div>
    </section>
  );
}
