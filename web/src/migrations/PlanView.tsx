import type { MigrationDryRun } from "../api/migrations";
import { Link } from "../components/Link";
import { routes } from "../components/router";
import type { WorkflowDefinition } from "../graph/definition";
import { WorkflowGraph } from "../graph/WorkflowGraph";

const executions = (n: number) => `${n} execution${n === 1 ? "" : "s"}`;

/** A dry run's plan: where the movable executions land on the target version's graph, each execution as a row with
 * its steps' mapping or the reason it cannot move, and the button that applies it to the movable ones. */
export function PlanView({ plan, target, busy, onApply }: {
  plan: MigrationDryRun;
  target: WorkflowDefinition | null;
  busy: boolean;
  onApply: () => void;
}) {
  const landing: Record<string, number> = {};
  for (const p of plan.plans.filter((p) => p.movable))
    for (const m of p.mapping) landing[m.to_step] = (landing[m.to_step] ?? 0) + 1;
  const badges = Object.fromEntries(Object.entries(landing).map(([step, n]) => [step, `${executions(n)} land here`]));

  return (
    <section aria-label="Plan" data-testid="migration-plan">
      <p data-testid="plan-summary">
        Onto v{plan.to_version}: {executions(plan.movable)} can move, {plan.blocked} cannot.
        {plan.truncated && " The filter matched more than one request takes; apply, then plan again for the rest."}
      </p>
      {target && <WorkflowGraph definition={target} badges={badges} height={360} />}
      {plan.plans.length === 0 ? (
        <p className="muted">No execution matches the filter.</p>
      ) : (
        <table className="plan-table">
          <thead>
            <tr><th scope="col">Execution</th><th scope="col">From</th><th scope="col">Can move</th><th scope="col">Steps / reason</th></tr>
          </thead>
          <tbody>
            {plan.plans.map((p) => (
              <tr key={p.execution_id} data-testid="plan-row" data-execution-id={p.execution_id} data-movable={p.movable}>
                <td><Link to={routes.execution(p.execution_id)}><code>{p.execution_id.slice(0, 8)}</code></Link></td>
                <td>v{p.from_version}</td>
                <td>{p.movable ? "yes" : "no"}</td>
                <td>
                  {p.movable
                    ? p.mapping.map((m) => <div key={m.from_step}><code>{m.from_step}</code> → <code>{m.to_step}</code></div>)
                    : <span className="error-text" data-testid="plan-reason">{p.reason}: {p.message}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" disabled={busy || plan.movable === 0} onClick={onApply}>
        Move {executions(plan.movable)} to v{plan.to_version}
      </button>
    </section>
  );
}
