import { useState } from "react";
import { bulkExecutions, type BulkResult, type ExecutionFilter } from "../../api/executionList";
import { errorText } from "./download";

const verbs = { cancel: "Cancelled", retry: "Retried", delete: "Deleted" } as const;
type Action = keyof typeof verbs;

/** Cancel, retry or delete (admins; ended executions only) the selected executions, or every execution the filter
 * matches (asked twice). Deleting the selected ones is asked too. */
export function BulkBar({ selected, filter, total, onDone }: {
  selected: string[];
  filter: ExecutionFilter;
  total: number;
  onDone: () => void;
}) {
  const [confirming, setConfirming] = useState<{ action: Action; all: boolean } | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: Action, target: { ids: string[] } | { filter: ExecutionFilter }) => {
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
      <button type="button" disabled={selected.length === 0} onClick={() => setConfirming({ action: "delete", all: false })}>Delete selected</button>
      <button type="button" className="secondary" disabled={total === 0} onClick={() => setConfirming({ action: "cancel", all: true })}>Cancel all matching</button>
      <button type="button" className="secondary" disabled={total === 0} onClick={() => setConfirming({ action: "retry", all: true })}>Retry all matching</button>
      <button type="button" className="secondary" disabled={total === 0} onClick={() => setConfirming({ action: "delete", all: true })}>Delete all matching</button>
      {confirming && (
        <span className="confirm" role="alert">
          {`${confirming.action[0].toUpperCase()}${confirming.action.slice(1)} ${confirming.all ? `all ${total} matching` : `the ${selected.length} selected`} executions?`}
          {confirming.action === "delete" && " Deleted executions and their logs are gone for good."}{" "}
          <button type="button" className="danger" onClick={() => run(confirming.action, confirming.all ? { filter } : { ids: selected })}>
            Yes, {confirming.action} {confirming.all ? total : selected.length}
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setConfirming(null)}>No</button>
        </span>
      )}
      {result && <p className="notice" role="status">{result}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
