import { useEffect, useRef, useState } from "react";

/** Asks before deleting a workflow, with the option to delete its finished executions too. */
export function DeleteDialog({ name, onConfirm, onClose }: { name: string; onConfirm: (history: boolean) => void; onClose: () => void }) {
  const [history, setHistory] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div className="dialog-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="delete-title"
        className="dialog"
        onKeyDown={(e) => e.key === "Escape" && onClose()}
      >
        <h2 id="delete-title">Delete “{name}”?</h2>
        <p>The workflow and its versions go; executions already started keep running.</p>
        <label className="field-check">
          <input type="checkbox" checked={history} onChange={(e) => setHistory(e.target.checked)} />
          <span>Also delete its finished executions</span>
        </label>
        <div className="dialog-actions">
          <button type="button" className="danger" onClick={() => onConfirm(history)}>Delete</button>
          <button type="button" className="secondary" ref={cancel} onClick={onClose}>Cancel</button>
        </div>
      </div>
    </div>
  );
}
