import { useEffect, useRef } from "react";

export interface ShortcutActions {
  undo: () => void;
  redo: () => void;
  copy: () => void;
  paste: () => void;
  save: () => void;
}

/** The editor's keys, listed in its help: (Delete is React Flow's own, on the canvas). */
export const shortcutList: [string, string][] = [
  ["Ctrl+Z", "Undo"],
  ["Ctrl+Shift+Z or Ctrl+Y", "Redo"],
  ["Ctrl+C / Ctrl+V", "Copy / paste the selected steps"],
  ["Ctrl+S", "Save"],
  ["Delete or Backspace", "Remove the selected steps or routes (on the canvas)"],
  ["Shift+click, Ctrl+click", "Select several steps"],
  ["Tab, then Enter", "Focus a step on the canvas and select it; a step type in the palette adds it"],
  ["Arrow keys", "Move the focused step"],
];

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

/** Ctrl/Cmd shortcuts on the whole page; copy and paste (and undo, which the text boxes have their own of) are left to
 * a text box being typed in. */
export function useShortcuts(actions: ShortcutActions): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      const a = ref.current;
      if (key === "s") { e.preventDefault(); a.save(); return; }
      if (typing(e.target)) return;
      if (key === "z" && !e.shiftKey) a.undo();
      else if ((key === "z" && e.shiftKey) || key === "y") a.redo();
      else if (key === "c") a.copy();
      else if (key === "v") a.paste();
      else return;
      e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}

/** Asks before leaving with unsaved changes: closing or reloading the tab, and in-app links. */
export function useLeaveWarning(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const message = "The workflow has unsaved changes. Leave anyway?";
    const onBeforeUnload = (e: BeforeUnloadEvent) => { e.preventDefault(); e.returnValue = ""; };
    const onClick = (e: MouseEvent) => {
      const link = (e.target as HTMLElement | null)?.closest?.("a[href]");
      if (!link || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
      if (!window.confirm(message)) { e.preventDefault(); e.stopPropagation(); }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty]);
}
