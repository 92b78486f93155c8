import { api } from "./client";

/** Which executions a migration takes: by id, or those under way (or in the statuses named) on the versions named. */
export interface MigrationFilter {
  ids?: string[];
  status?: string[];
  version?: number[];
}

export interface MigrationRequest {
  to_version: number;
  filter?: MigrationFilter;
  /** Step id of the old version → step id of the target version, for steps that were renamed. */
  mapping?: Record<string, string>;
}

/** How one execution would move: where each of its current or waiting steps lands, or why it cannot move. */
export interface MigrationPlan {
  execution_id: string;
  from_version: number;
  to_version: number;
  movable: boolean;
  reason?: string | null;
  message?: string | null;
  mapping: { from_step: string; to_step: string }[];
}

export interface MigrationDryRun {
  workflow_id: string;
  to_version: number;
  truncated: boolean;
  movable: number;
  blocked: number;
  plans: MigrationPlan[];
}

/** What applying (or rolling back) did to each execution: moved now, pending (moves when its step in flight commits)
 * or skipped (with the reason). */
export interface MigrationOutcome {
  migration_id: string;
  moved: number;
  pending: number;
  skipped: number;
  results: { execution_id: string; status: "moved" | "pending" | "skipped"; reason?: string | null; message?: string | null }[];
}

export interface MigrationSummary {
  id: string;
  to_version: number;
  mapping: Record<string, string>;
  created_by?: string | null;
  created_at: string;
  rolled_back_at?: string | null;
}

const base = (id: string) => `/api/workflows/${encodeURIComponent(id)}/migrations`;
const post = <T>(path: string, body?: unknown) =>
  api<T>(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

export const planMigration = (id: string, request: MigrationRequest) => post<MigrationDryRun>(base(id), { ...request, dry_run: true });

export const applyMigration = (id: string, request: MigrationRequest) => post<MigrationOutcome>(base(id), { ...request, dry_run: false });

export const listMigrations = (id: string) => api<{ items: MigrationSummary[] }>(base(id));

export const rollbackMigration = (id: string, migrationId: string) =>
  post<MigrationOutcome>(`${base(id)}/${encodeURIComponent(migrationId)}/rollback`);
