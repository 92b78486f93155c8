import { useState } from "react";
import type { MigrationRequest } from "../api/migrations";

const statuses = ["pending", "running", "waiting", "paused"] as const;

/** What to migrate: the target version, which executions (by status and version; none ticked means every execution
 * under way) and, for steps that were renamed, which old step lands on which new one. */
export function MigrationForm({ versions, current, busy, onPlan }: {
  versions: number[];
  current: number;
  busy: boolean;
  onPlan: (request: MigrationRequest) => void;
}) {
  const [target, setTarget] = useState(current);
  const [chosenStatuses, setChosenStatuses] = useState<string[]>([]);
  const [fromVersions, setFromVersions] = useState<number[]>([]);
  const [mapping, setMapping] = useState<{ from: string; to: string }[]>([]);

  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const setRow = (i: number, row: { from: string; to: string }) => setMapping(mapping.map((r, j) => (j === i ? row : r)));

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const rows = mapping.filter((r) => r.from.trim() && r.to.trim());
    onPlan({
      to_version: target,
      filter: {
        ...(chosenStatuses.length ? { status: chosenStatuses } : {}),
        ...(fromVersions.length ? { version: fromVersions } : {}),
      },
      ...(rows.length ? { mapping: Object.fromEntries(rows.map((r) => [r.from.trim(), r.to.trim()])) } : {}),
    });
  }

  return (
    <form className="migration-form" onSubmit={submit} aria-label="Migration">
      <div className="field-row">
        <label htmlFor="migration-target">Move onto</label>
        <select id="migration-target" value={target} onChange={(e) => setTarget(Number(e.target.value))}>
          {versions.map((n) => <option key={n} value={n}>v{n}{n === current ? " (current)" : ""}</option>)}
        </select>
      </div>
      <fieldset>
        <legend>Executions in status (none ticked: all under way)</legend>
        {statuses.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={chosenStatuses.includes(s)} onChange={() => setChosenStatuses(toggle(chosenStatuses, s))} /> {s}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Running on version (none ticked: any)</legend>
        {versions.filter((n) => n !== target).map((n) => (
          <label key={n} className="check">
            <input type="checkbox" checked={fromVersions.includes(n)} onChange={() => setFromVersions(toggle(fromVersions, n))} /> v{n}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Renamed steps (a step keeps its id unless mapped here)</legend>
        {mapping.map((row, i) => (
          <div key={i} className="mapping-row">
            <input aria-label={`Old step ${i + 1}`} placeholder="old step id" value={row.from} onChange={(e) => setRow(i, { ...row, from: e.target.value })} />
            <span aria-hidden="true">→</span>
            <input aria-label={`New step ${i + 1}`} placeholder="new step id" value={row.to} onChange={(e) => setRow(i, { ...row, to: e.target.value })} />
            <button type="button" className="secondary" onClick={() => setMapping(mapping.filter((_, j) => j !== i))}>Remove</button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setMapping([...mapping, { from: "", to: "" }])}>Add a renamed step</button>
      </fieldset>
      <button type="submit" disabled={busy}>Plan the migration</button>
    </form>
  );
}
