import { useState } from "react";
import { ApiError } from "../api/client";
import { runWorkflowTests, type TestReport } from "../api/executions";
import { Link } from "../components/Link";
import { routes } from "../components/router";

/** The test cases a workflow carries (its definition's `tests`): run them all, with time skipped, and list each as
 * passed or failed with what differed. The word is written beside the colour, never the colour alone. */
export function TestCases({ workflowId, names }: { workflowId: string; names: string[] }) {
  const [report, setReport] = useState<TestReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await runWorkflowTests(workflowId));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The server cannot be reached.");
    } finally {
      setBusy(false);
    }
  };
  const results = new Map((report?.cases ?? []).map((c) => [c.name, c]));
  return (
    <section className="test-cases" aria-label="Test cases" data-testid="test-cases">
      <div className="toolbar">
        <h2>Test cases</h2>
        <button type="button" disabled={busy} onClick={() => void run()}>{busy ? "Running…" : "Run test cases"}</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {report && <p data-testid="test-summary">{report.total - report.failed} passed, {report.failed} failed</p>}
      <ul>
        {names.map((name) => {
          const result = results.get(name);
          return (
            <li key={name} data-testid="test-case">
              {result ? (
                <span className={`badge badge-${result.passed ? "completed" : "failed"}`}>{result.passed ? "passed" : "failed"}</span>
              ) : (
                <span className="badge">not run</span>
              )}{" "}
              {name}
              {result?.execution_id && <> · <Link to={routes.execution(result.execution_id)}>trace</Link></>}
              {result && !result.passed && (
                <ul className="error">
                  {result.differences.map((d, i) => <li key={i}>{d.message}</li>)}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
