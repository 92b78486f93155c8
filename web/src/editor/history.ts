import { useCallback, useState } from "react";

interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** Grows with every undo, redo and reset (not with edits), so views that keep their own text (JSON boxes) can start over. */
  revision: number;
}

const limit = 200;

/** A value with undo and redo: set records the previous value, undo and redo step through them. */
export function useHistory<T>(initial: T) {
  const [history, setHistory] = useState<History<T>>({ past: [], present: initial, future: [], revision: 0 });
  const set = useCallback((next: T | ((current: T) => T)) => {
    setHistory((h) => {
      const value = typeof next === "function" ? (next as (current: T) => T)(h.present) : next;
      if (value === h.present) return h;
      return { past: [...h.past, h.present].slice(-limit), present: value, future: [], revision: h.revision };
    });
  }, []);
  /** Starts over from a value with no history (a load, or the state just saved keeps its history). */
  const reset = useCallback((value: T) => setHistory((h) => ({ past: [], present: value, future: [], revision: h.revision + 1 })), []);
  const undo = useCallback(() => {
    setHistory((h) => (h.past.length === 0 ? h : {
      past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future], revision: h.revision + 1,
    }));
  }, []);
  const redo = useCallback(() => {
    setHistory((h) => (h.future.length === 0 ? h : {
      past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1), revision: h.revision + 1,
    }));
  }, []);
  return {
    value: history.present,
    revision: history.revision,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    set, reset, undo, redo,
  };
}
