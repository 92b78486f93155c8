import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { executeWorkflow, testExecuteWorkflow, type TestRun } from "../api/executions";
import { getWorkflow } from "../api/workflows";
import { navigate, routes } from "../components/router";
import { JsonField, SchemaForm, type JsonSchema } from "../components/SchemaForm";
import { WorkflowTabs } from "../components/WorkflowTabs";
import { fieldErrors } from "../execution/stepStates";
import { TestCases } from "../execution/TestCases";
import { TestTrace } from "../execution/TestTrace";
import type { WorkflowDefinition } from "../graph/definition";
import "../execution/execution.css";
import "./RunPage.css";

type Editor = "form" | "json";

/** Starts a workflow: its input from a form generated from input_schema (or as JSON), automatic or manual mode.
 * Run goes to the live execution view; Test run waits for the end and shows the trace here. */
export default function RunPage({ id }: { id: string }) {
  const [workflow, setWorkflow] = useState<WorkflowDefinition | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [input, setInput] = useState<unknown>({});
  const [editor, setEditor] = useState<Editor>("form");
  const [jsonKey, setJsonKey] = useState(0);
  const [mode, setMode] = useState<"automatic" | "manual">("automatic");
  const [busy, setBusy] = useState<"run" | "test" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [trace, setTrace] = useState<TestRun | null>(null);
  const [skipTime, setSkipTime] = useState(false);

  useEffect(() => {
    let current = true;
    getWorkflow(id)
      .then((w) => current && setWorkflow(w as unknown as WorkflowDefinition))
      .catch((e) => current && setLoadError(e instanceof ApiError ? e.message : "The server cannot be reached."));
    return () => {
      current = false;
    };
  }, [id]);

  const schema = (workflow?.input_schema ?? null) as JsonSchema | null;
  const testNames = ((workflow as { tests?: { name: string }[] } | null)?.tests ?? []).map((t) => t.name);
  const fail = (e: unknown) => {
    if (e instanceof ApiError) {
      setError(e.message);
      setErrors(fieldErrors(e.details));
    } else setError("The server cannot be reached.");
  };
  const start = async (kind: "run" | "test") => {
    setBusy(kind);
    setError(null);
    setErrors({});
    if (kind === "test") setTrace(null);
    try {
      if (kind === "run") {
        const execution = await executeWorkflow(id, input ?? null, mode);
        navigate(routes.execution(execution.id));
        return;
      }
      setTrace(await testExecuteWorkflow(id, input ?? null, skipTime));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="run-page">
      <WorkflowTabs id={id} current="run" />
      {loadError && <p className="error" role="alert">{loadError}</p>}
      {workflow && (
        <>
          <h1>Run {workflow.name}</h1>
          <form className="run-form" aria-label="Run the workflow" onSubmit={(e) => { e.preventDefault(); void start("run"); }}>
            <fieldset className="kinds">
              <legend>Edit the input as</legend>
              {(["form", "json"] as const).map((k) => (
                <label key={k}>
                  <input type="radio" name="editor" value={k} checked={editor === k}
                    onChange={() => { setEditor(k); setJsonKey((n) => n + 1); }} />
                  {k === "form" ? "Form" : "JSON"}
                </label>
              ))}
            </fieldset>
            {editor === "form" && schema ? (
              <SchemaForm schema={schema} value={input} onChange={setInput} errors={errors} />
            ) : (
              <>
                {editor === "form" && <p className="muted">This workflow declares no input_schema: give its input as JSON.</p>}
                <JsonField key={jsonKey} label="Input (JSON)" name="input" value={input} onChange={setInput} error={errors[""]} />
              </>
            )}
            {Object.keys(errors).length > 0 && editor === "json" && (
              <ul className="error" role="alert">
                {Object.entries(errors).map(([path, message]) => <li key={path}>{path || "input"}: {message}</li>)}
              </ul>
            )}
            <fieldset className="kinds">
              <legend>Mode</legend>
              <label>
                <input type="radio" name="mode" value="automatic" checked={mode === "automatic"} onChange={() => setMode("automatic")} />
                Automatic
              </label>
              <label>
                <input type="radio" name="mode" value="manual" checked={mode === "manual"} onChange={() => setMode("manual")} />
                Manual (advance step by step)
              </label>
            </fieldset>
            {error && <p className="error" role="alert">{error}</p>}
            <div className="button-row">
              <button type="submit" className="primary" disabled={busy !== null}>{busy === "run" ? "Starting…" : "Run"}</button>
              <button type="button" disabled={busy !== null} onClick={() => void start("test")}>
                {busy === "test" ? "Testing…" : "Test run"}
              </button>
            </div>
            <label>
              <input type="checkbox" name="skip_time" checked={skipTime} onChange={(e) => setSkipTime(e.target.checked)} />
              Skip time in the test run (waits, retry backoff and the time limit fire at once)
            </label>
            <p className="hint muted">A test run runs now, in automatic mode, and is kept out of the executions list.</p>
          </form>
          {trace && <TestTrace run={trace} definition={workflow} />}
          {testNames.length > 0 && <TestCases workflowId={id} names={testNames} />}
        </>
      )}
    </section>
  );
}
