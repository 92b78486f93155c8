import { useState } from "react";
import { ApiError } from "../api/client";
import { applyMigration, planMigration, rollbackMigration, type MigrationOutcome, type MigrationPlanAnswer } from "../api/migrations";
import { Link } from "../components/Link";
import { routes } from "../components/router";

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : "The server cannot be reached.");

/** "old=new, other=renamed" as the request's step mapping; blank entries are ignored. */
function parseMapping(text: string): Record<string, string> | string {
  const mapping: Record<string, string> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [from, to, ...rest] = part.split("=").map((s) => s.trim());
    if (!from || !to || rest.length > 0) return `"${part}" is not old_step=new_step.`;
    mapping[from] = to;
  }
  return mapping;
}

/** Moves the workflow's executions under way onto a version: a dry run shows each one's plan as a table, then one
 * click moves the movable ones; the move can be rolled back while nothing has run on the new version. */
export function MigrationPanel({ id, versions, current }: { id: string; versions: number[]; current: number }) {
  const [target, setTarget] = useState(current);
  const [mappingText, setMappingText] = useState("");
  const [plan, setPlan] = useState<MigrationPlanAnswer | null>(null);
  const [outcome, setOutcome] = useState<MigrationOutcome | null>(null);
  const [rolledBack, setRolledBack] = useState<MigrationOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  const mapping = parseMapping(mappingText);
  const showPlan = () => run(async () => {
    if (typeof mapping === "string") throw new ApiError(400, "invalid_input", mapping);
    setOutcome(null);
    setRolledBack(null);
    setPlan(await planMigration(id, target, mapping));
  });
  const apply = () => run(async () => {
    if (!plan || typeof mapping === "string") return;
    setOutcome(await applyMigration(id, plan.to_version, mapping, plan.plans.filter((p) => p.movable).map((p) => p.execution_id)));
    setPlan(null);
  });
  const rollback = () => run(async () => {
    if (!outcome) return;
    setRolledBack(await rollbackMigration(id, outcome.migration_id));
    setOutcome(null);
  });

  return (
    <div className="migration-panel" data-testid="migration-panel">
      <div className="compare-pickers">
        <label htmlFor="migrate-to">Move executions under way to</label>
        <select id="migrate-to" value={target} onChange={(e) => { setTarget(Number(e.target.value)); setPlan(null); }}>
          {versions.map((n) => <option key={n} value={n}>v{n}{n === current ? " (current)" : ""}</option>)}
        </select>
        <label htmlFor="migrate-mapping">Renamed steps</label>
        <input id="migrate-mapping" placeholder="old_step=new_step, …" value={mappingText} onChange={(e) => { setMappingText(e.target.value); setPlan(null); }} />
        <button type="button" className="secondary" disabled={busy} onClick={showPlan}>Plan</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {plan && (
        <>
          <p>
            {plan.plans.length === 0 ? "No execution is under way." : `${plan.movable} can move to v${plan.to_version}, ${plan.blocked} cannot.`}
            {plan.truncated && " Only the first 500 are shown; apply, then plan again for the rest."}
          </p>
          {plan.plans.length > 0 && (
            <table className="migration-plan">
              <thead><tr><th>Execution</th><th>From</th><th>Moves</th><th>Steps</th><th>Why not</th></tr></thead>
              <tbody>
                {plan.plans.map((p) => (
                  <tr key={p.execution_id} className={p.movable ? "movable" : "blocked"}>
                    <td><Link to={routes.execution(p.execution_id)}>{p.execution_id.slice(0, 8)}</Link></td>
                    <td>v{p.from_version}</td>
                    <td>{p.movable ? "yes" : "no"}</td>
                    <td>{p.mapping.map((m) => (m.from_step === m.to_step ? m.to_step : `${m.from_step} → ${m.to_step}`)).join(", ")}</td>
                    <td>{p.message ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <button type="button" disabled={busy || plan.movable === 0} onClick={apply}>Move {plan.movable} to v{plan.to_version}</button>
        </>
      )}
      {outcome && (
        <p role="status">
          {outcome.moved} moved, {outcome.pending} waiting for a running step, {outcome.skipped} skipped.{" "}
          <button type="button" className="secondary" disabled={busy} onClick={rollback}>Roll back</button>
        </p>
      )}
      {rolledBack && (
        <p role="status">
          Rolled back: {rolledBack.moved} moved back, {rolledBack.skipped} stayed (a step ran on the new version since the move).
        </p>
      )}
    </div>
  );
}
