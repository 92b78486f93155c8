import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/client";
import {
  applyMigration, listMigrations, planMigration, rollbackMigration,
  type MigrationDryRun, type MigrationOutcome, type MigrationRequest, type MigrationSummary,
} from "../api/migrations";
import { getVersion, listVersions, type VersionList } from "../api/versions";
import { WorkflowTabs } from "../components/WorkflowTabs";
import type { WorkflowDefinition } from "../graph/definition";
import { MigrationForm } from "../migrations/MigrationForm";
import { MigrationHistory } from "../migrations/MigrationHistory";
import { PlanView } from "../migrations/PlanView";
import "./MigrationsPage.css";

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : "The server cannot be reached.");

const outcomeText = (o: MigrationOutcome, what: string) =>
  `${what}: ${o.moved} moved, ${o.pending} will move when their step in flight commits, ${o.skipped} skipped.`;

/** Moves executions under way onto another version: plan first (a dry run, shown on the target's graph and as a
 * table), then apply to the executions the plan can move; earlier migrations can be rolled back. */
export default function MigrationsPage({ id }: { id: string }) {
  const [versions, setVersions] = useState<VersionList | null>(null);
  const [history, setHistory] = useState<MigrationSummary[]>([]);
  const [request, setRequest] = useState<MigrationRequest | null>(null);
  const [plan, setPlan] = useState<MigrationDryRun | null>(null);
  const [target, setTarget] = useState<WorkflowDefinition | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [skipped, setSkipped] = useState<MigrationOutcome["results"]>([]);
  const [busy, setBusy] = useState(false);

  const loadHistory = useCallback(async () => {
    const list = await listMigrations(id);
    setHistory([...list.items].sort((a, b) => b.created_at.localeCompare(a.created_at)));
  }, [id]);

  useEffect(() => {
    let current = true;
    Promise.all([listVersions(id), loadHistory()])
      .then(([v]) => current && setVersions(v))
      .catch((e) => current && setError(messageOf(e)));
    return () => {
      current = false;
    };
  }, [id, loadHistory]);

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      await work();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  const makePlan = (next: MigrationRequest) => run(async () => {
    const [answer, version] = await Promise.all([planMigration(id, next), getVersion(id, next.to_version)]);
    setRequest(next);
    setPlan(answer);
    setTarget(version.definition);
    setSkipped([]);
  });

  // Applies to exactly the executions the plan showed as movable, not to whatever the filter matches by now.
  const apply = () => run(async () => {
    if (!plan || !request) return;
    const ids = plan.plans.filter((p) => p.movable).map((p) => p.execution_id);
    const outcome = await applyMigration(id, { to_version: plan.to_version, filter: { ids }, mapping: request.mapping });
    setPlan(null);
    setSkipped(outcome.results.filter((r) => r.status === "skipped"));
    setStatus(outcomeText(outcome, `Migrated onto v${plan.to_version}`));
    await loadHistory();
  });

  const rollback = (migrationId: string) => run(async () => {
    const outcome = await rollbackMigration(id, migrationId);
    setSkipped(outcome.results.filter((r) => r.status === "skipped"));
    setStatus(outcomeText(outcome, "Rolled back"));
    await loadHistory();
  });

  const numbers = versions ? versions.items.map((v) => v.number).sort((a, b) => b - a) : [];

  return (
    <section className="migrations-page">
      <WorkflowTabs id={id} current="migrations" />
      <div className="toolbar">
        <h1>Migrate executions</h1>
      </div>
      <p className="muted">
        Moves executions that are under way onto another version of this workflow. Each keeps its context and goes on
        from the step it is at, which must exist in the target version under the same id or be mapped to one.
      </p>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="notice" role="status">{status}</p>
      {skipped.length > 0 && (
        <ul className="skipped" aria-label="Skipped executions">
          {skipped.map((r) => <li key={r.execution_id}><code>{r.execution_id.slice(0, 8)}</code> {r.reason}: {r.message}</li>)}
        </ul>
      )}
      {versions && <MigrationForm versions={numbers} current={versions.current_version} busy={busy} onPlan={makePlan} />}
      {plan && <PlanView plan={plan} target={target} busy={busy} onApply={apply} />}
      <h2>Past migrations</h2>
      <MigrationHistory items={history} busy={busy} onRollback={rollback} />
    </section>
  );
}
