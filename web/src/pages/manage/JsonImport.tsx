import { useState } from "react";
import { ApiError } from "../../api/client";
import { createWorkflow, definitionErrors, definitionOf, type WorkflowSummary } from "../../api/workflows";

/** A definition pasted or read from a file, created as a new workflow; the server's errors are shown with their paths. */
export function JsonImport({ label, onCreated }: { label: string; onCreated: (w: WorkflowSummary) => void }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ field: string; message: string }[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setError(null);
    setErrors([]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      setError(`This is not valid JSON: ${e instanceof Error ? e.message : ""}`);
      return;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      setError("A workflow definition is a JSON object.");
      return;
    }
    setBusy(true);
    try {
      onCreated(await createWorkflow(definitionOf(parsed as Record<string, unknown>)));
    } catch (e) {
      setError(e instanceof Error ? e.message : "The server cannot be reached.");
      if (e instanceof ApiError) setErrors(definitionErrors(e.details));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="json-import">
      <label className="field">
        <span>Definition JSON</span>
        <textarea className="json-input" rows={12} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </label>
      <label className="field">
        <span>Or read a file</span>
        <input
          type="file"
          accept="application/json,.json"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) setText(await file.text());
          }}
        />
      </label>
      {error && (
        <div className="error" role="alert">
          <p>{error}</p>
          {errors.length > 0 && (
            <ul data-testid="definition-errors">
              {errors.map((e, i) => (
                <li key={i}>
                  <code>{e.field || "(definition)"}</code>: {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <button type="button" onClick={submit} disabled={busy || text.trim() === ""}>
        {label}
      </button>
    </div>
  );
}
