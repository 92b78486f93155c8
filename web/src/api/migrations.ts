import { api } from "./client";

/** One execution's plan in a dry run of POST /api/workflows/{id}/migrations. */
export interface MigrationPlan {
  execution_id: string;
  from_version: number;
  to_version: number;
  movable: boolean;
  /** Why it cannot move (step_removed, mapping_ambiguous, step_type_changed, input_invalid, ...); null when it can. */
  reason: string | null;
  message: string | null;
  mapping: { from_step: string; to_step: string }[];
}

export interface MigrationPlanAnswer {
  to_version: number;
  truncated: boolean;
  movable: number;
  blocked: number;
  plans: MigrationPlan[];
}

/** What a move (or a rollback) did: each execution moved, pending (a step in flight moves it when it commits) or skipped. */
export interface MigrationOutcome {
  migration_id: string;
  moved: number;
  pending: number;
  skipped: number;
  results: { execution_id: string; status: "moved" | "pending" | "skipped"; reason: string | null; message: string | null }[];
}

const base = (id: string) => `/api/workflows/${encodeURIComponent(id)}/migrations`;
const post = (body: unknown): RequestInit => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/** The dry run: every execution under way, with its plan onto <c>toVersion</c>. */
export const planMigration = (id: string, toVersion: number, mapping: Record<string, string>) =>
  api<MigrationPlanAnswer>(base(id), post({ to_version: toVersion, mapping, dry_run: true }));

/** Moves the executions named (those the plan showed movable). */
export const applyMigration = (id: string, toVersion: number, mapping: Record<string, string>, ids: string[]) =>
  api<MigrationOutcome>(base(id), post({ to_version: toVersion, mapping, filter: { ids } }));

export const rollbackMigration = (id: string, migrationId: string) =>
  api<MigrationOutcome>(`${base(id)}/${encodeURIComponent(migrationId)}/rollback`, { method: "POST" });
