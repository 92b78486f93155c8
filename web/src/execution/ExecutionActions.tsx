import { useState } from "react";
import { ApiError } from "../api/client";
import { operate, type Execution, type Operation } from "../api/executions";
import { isTerminal } from "./stepStates";

const labels: Record<Operation, string> = {
  pause: "Pause",
  resume: "Resume",
  cancel: "Cancel",
  retry: "Retry from the failed step",
  advance: "Advance one step",
};

/** Which operations apply to the execution as it is now. */
export function applicable(execution: Execution): Record<Operation, boolean> {
  const active = execution.status === "running" || execution.status === "waiting";
  return {
    pause: active,
    resume: execution.status === "paused",
    cancel: !isTerminal(execution.status),
    retry: execution.status === "failed",
    advance: execution.mode === "manual" && active,
  };
}

/** The operator's buttons; each is enabled only while its operation applies, and the server's refusal is shown. */
export function ExecutionActions({ execution, onDone }: { execution: Execution; onDone: () => void }) {
  const [busy, setBusy] = useState<Operation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const can = applicable(execution);
  const run = async (operation: Operation) => {
    if (operation === "cancel" && !window.confirm("Cancel this execution?")) return;
    setBusy(operation);
    setError(null);
    try {
      await operate(execution.id, operation);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The server cannot be reached.");
    } finally {
      setBusy(null);
      onDone();
    }
  };
  return (
    <div className="execution-actions">
      <div className="button-row" role="group" aria-label="Execution operations">
        {(Object.keys(labels) as Operation[]).map((op) => (
          <button key={op} type="button" disabled={!can[op] || busy !== null} onClick={() => void run(op)}
            className={op === "cancel" ? "danger" : undefined}>
            {busy === op ? `${labels[op]}…` : labels[op]}
          </button>
        ))}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
