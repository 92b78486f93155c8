import { useState } from "react";
import { bulkExecutions, type BulkResult, type ExecutionFilter } from "../../api/executionList";
import { errorText } from "./download";

const verbs = { cancel: "Cancelled", retry: "Retried" } as const;

/** Cancel or retry the selected executions, or every execution the filter matches (asked twice). */
export function BulkBar({ selected, filter, total, onDone }: {
  selected: string[];
  filter: ExecutionFilter;
  total: number;
  onDone: () => void;
}) {
  const [confirming, setConfirming] = useState<"cancel" | "retry" | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: "cancel" | "retry", target: { ids: string[] } | { filter: ExecutionFilter }) => {
    setConfirming(null);
    setError(null);
    setResult(null);
    try {
      const answer: BulkResult = await bulkExecutions(action, target);
      const failures = answer.results.filter((r) => !r.ok);
      setResult(
        `${verbs[action]} ${answer.succeeded} of ${answer.results.length}` +
          (failures.length ? `; ${failures.length} could not be: ${failures[0].error?.message ?? ""}` : ".") +
          (answer.truncated ? ` ${answer.matched - answer.results.length} more match; repeat to go on.` : ""),
      );
      onDone();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div className="bulk-bar" role="group" aria-label="Bulk actions">
      <span className="muted">{selected.length} selected</span>
      <button type="button" disabled={selected.length === 0} onClick={() => run("cancel", { ids: selected })}>Cancel selected</button>
      <button type="button" disabled={selected.length === 0} onClick={() => run("retry", { ids: selected })}>Retry selected</button>
      <button type="button" className="secondary" disabled={total === 0} onClick={() => setConfirming("cancel")}>Cancel all matching</button>
      <button type="button" className="secondary" disabled={total === 0} onClick={() => setConfirming("retry")}>Retry all matching</button>
      {confirming && (
        <span className="confirm" role="alert">
          {confirming === "cancel" ? "Cancel" : "Retry"} all {total} matching executions?{" "}
          <button type="button" className="danger" onClick={() => run(confirming, { filter })}>
            Yes, {confirming} {total}
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setConfirming(null)}>No</button>
        </span>
      )}
      {result && <p className="notice" role="status">{result}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
