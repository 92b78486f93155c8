import { useId, useMemo, useState } from "react";
import type { AvailableStep } from "../api/editor";
import { stepTypeMime } from "./Canvas";

/** The step types to add: drag one onto the canvas, or press it (Enter) to add it below the selected step. */
export function Palette({ steps, onAdd }: { steps: AvailableStep[]; onAdd: (type: string) => void }) {
  const [query, setQuery] = useState("");
  const searchId = useId();
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const shown = steps.filter((s) => !q || s.name.toLowerCase().includes(q) || (s.description ?? "").toLowerCase().includes(q));
    const byGroup = new Map<string, AvailableStep[]>();
    for (const step of shown) {
      const key = `${step.source === "remote" ? "Remote" : "Local"} · ${step.category.replace(/_/g, " ")}`;
      byGroup.set(key, [...(byGroup.get(key) ?? []), step]);
    }
    // A plain comparison: the first localeCompare of a page sets up a collator, tens of milliseconds while the editor opens.
    return [...byGroup].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }, [steps, query]);
  return (
    <aside className="editor-palette" aria-label="Step types">
      <label htmlFor={searchId}>Step types</label>
      <input id={searchId} type="search" placeholder="Search step types" value={query} onChange={(e) => setQuery(e.target.value)} />
      {groups.length === 0 && <p className="muted">No step type matches.</p>}
      {groups.map(([group, items]) => (
        <section key={group} className="palette-group">
          <h3>{group}</h3>
          <ul>
            {items.map((step) => (
              <li key={step.type}>
                <button
                  type="button"
                  className="palette-item"
                  draggable
                  data-testid={`palette-${step.type}`}
                  title={step.description ?? undefined}
                  aria-label={`Add ${step.name} step`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(stepTypeMime, step.type);
                    e.dataTransfer.effectAllowed = "copy";
                  }}
                  onClick={() => onAdd(step.type)}
                >
                  {step.name}
                  {step.source === "remote" && <span className="badge">remote</span>}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}
