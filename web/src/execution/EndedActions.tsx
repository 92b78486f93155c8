import { useState } from "react";
import { ApiError } from "../api/client";
import { deleteExecution, exportExecution, rerun, type Execution } from "../api/executions";
import { navigate, routes } from "../components/router";

/** What an ended execution still offers: run it again from the start (a new execution, on the version it ran or the
 * workflow's latest), download everything about it as JSON, or delete it (admins). */
export function EndedActions({ execution }: { execution: Execution }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (name: string, action: () => Promise<void>) => {
    setBusy(name);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The server cannot be reached.");
    } finally {
      setBusy(null);
    }
  };
  const runAgain = (version: "same" | "latest") => act(version, async () => {
    const started = await rerun(execution.id, version);
    navigate(routes.execution(started.id));
  });
  const download = () => act("export", async () => {
    const blob = new Blob([JSON.stringify(await exportExecution(execution.id), null, 2)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `execution-${execution.id}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  });
  const remove = () => {
    if (!window.confirm("Delete this execution with its steps, logs and events? This cannot be undone.")) return;
    void act("delete", async () => {
      await deleteExecution(execution.id);
      navigate(routes.executions);
    });
  };
  const label = (name: string, text: string) => (busy === name ? `${text}…` : text);
  return (
    <div className="execution-actions">
      <div className="button-row" role="group" aria-label="Ended execution">
        <button type="button" disabled={busy !== null} onClick={() => void runAgain("same")}>{label("same", "Run again")}</button>
        <button type="button" disabled={busy !== null} onClick={() => void runAgain("latest")}>{label("latest", "Run again on the latest version")}</button>
        <button type="button" disabled={busy !== null} onClick={() => void download()}>{label("export", "Export JSON")}</button>
        <button type="button" className="danger" disabled={busy !== null} onClick={remove}>{label("delete", "Delete")}</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
