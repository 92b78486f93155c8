import type { Edge, Node } from "@xyflow/react";

/** The next nodes or edges, where each one equal to its previous version (same id) is that previous object (and the
 * previous list itself when none changed): React Flow re-renders an element only when its object changes, so a
 * 300-step graph where one step changed re-renders one node, not 300. */
export function reuseUnchanged<T extends Node | Edge>(previous: readonly T[], next: T[]): T[] {
  if (previous.length === 0) return next;
  const byId = new Map(previous.map((item) => [item.id, item]));
  let changed = next.length !== previous.length;
  const result = next.map((item, i) => {
    const old = byId.get(item.id);
    const kept = old && sameElement(old, item) ? old : item;
    changed ||= kept !== previous[i];
    return kept;
  });
  // Nothing changed: the same array, so that React Flow is not handed a "new" list at all.
  return changed ? result : (previous as T[]);
}

function sameElement(a: Node | Edge, b: Node | Edge): boolean {
  if (a === b) return true;
  const left = a as unknown as Record<string, unknown>, right = b as unknown as Record<string, unknown>;
  for (const key in left) if (!ignored.has(key) && !sameValue(left[key], right[key])) return false;
  for (const key in right) if (!ignored.has(key) && !(key in left) && right[key] !== undefined) return false;
  return true;
}

/** React Flow's own bookkeeping on the nodes it was given, not ours to compare. */
const ignored = new Set(["measured", "dragging"]);

/** Equal by value, one level into objects and arrays (positions, data, styles, error lists); deeper by identity. */
function sameValue(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  if (depth > 1 || typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length
    && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1));
}
