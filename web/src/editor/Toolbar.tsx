import { useId, useState } from "react";
import { shortcutList } from "./shortcuts";

interface Props {
  dirty: boolean;
  version: number;
  status: { text: string; error?: boolean } | null;
  checking: boolean;
  problems: number;
  canUndo: boolean;
  canRedo: boolean;
  selectionCount: number;
  onSave: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onAutoLayout: () => void;
  onFind: (query: string) => void;
  onCopy: () => void;
  onPaste: () => void;
  onGroup: (label: string) => void;
}

/** Save, history, layout, search, grouping and the list of shortcuts. */
export function Toolbar(p: Props) {
  const [query, setQuery] = useState("");
  const [group, setGroup] = useState("");
  const [help, setHelp] = useState(false);
  const searchId = useId();
  const groupId = useId();
  const helpId = useId();
  return (
    <div className="toolbar editor-toolbar">
      <button type="button" className="primary" onClick={p.onSave}>Save</button>
      <span className="editor-version" data-testid="editor-version">Version {p.version}</span>
      {p.dirty && <span className="badge unsaved" data-testid="unsaved">Unsaved changes</span>}
      <button type="button" onClick={p.onUndo} disabled={!p.canUndo} title="Ctrl+Z">Undo</button>
      <button type="button" onClick={p.onRedo} disabled={!p.canRedo} title="Ctrl+Shift+Z">Redo</button>
      <button type="button" onClick={p.onCopy} disabled={p.selectionCount === 0} title="Ctrl+C">Copy</button>
      <button type="button" onClick={p.onPaste} title="Ctrl+V">Paste</button>
      <button type="button" onClick={p.onAutoLayout}>Auto-layout</button>
      <form className="inline-form" role="search" onSubmit={(e) => { e.preventDefault(); if (query.trim()) p.onFind(query); }}>
        <label htmlFor={searchId} className="visually-hidden">Find step</label>
        <input id={searchId} type="search" placeholder="Find step by id or name" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit">Find</button>
      </form>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); p.onGroup(group.trim()); }}>
        <label htmlFor={groupId} className="visually-hidden">Group label</label>
        <input id={groupId} type="text" placeholder="Group label" value={group} onChange={(e) => setGroup(e.target.value)} />
        <button type="submit" disabled={p.selectionCount === 0}>{group.trim() ? "Group" : "Ungroup"}</button>
      </form>
      <div className="help-anchor">
        <button type="button" aria-expanded={help} aria-controls={helpId} onClick={() => setHelp(!help)}>Keyboard shortcuts</button>
        {help && (
          <div id={helpId} className="help-popover" role="dialog" aria-label="Keyboard shortcuts"
            onKeyDown={(e) => { if (e.key === "Escape") setHelp(false); }}>
            <table className="list">
              <tbody>
                {shortcutList.map(([keys, what]) => <tr key={keys}><th scope="row"><kbd>{keys}</kbd></th><td>{what}</td></tr>)}
              </tbody>
            </table>
            <button type="button" onClick={() => setHelp(false)}>Close</button>
          </div>
        )}
      </div>
      <span role="status" className={p.status?.error ? "error" : "muted"} data-testid="editor-status">
        {p.status?.text}
        {p.checking ? " Checking…" : p.problems > 0 ? ` ${p.problems} problem${p.problems === 1 ? "" : "s"}.` : " Valid."}
      </span>
    </div>
  );
}
