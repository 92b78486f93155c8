import { api } from "./client";
import type { Page } from "./workflows";

export interface ExecutionRow {
  id: string;
  workflow_id: string;
  status: string;
  input?: unknown;
  created_at: string;
  started_at?: string | null;
  completed_at?: string | null;
  duration_ms?: number | null;
}

/** The list's filters, as the API and the page's address name them. */
export interface ExecutionFilter {
  workflow_id?: string;
  status?: string;
  from?: string;
  to?: string;
  q?: string;
}

export const filterKeys = ["workflow_id", "status", "from", "to", "q"] as const;

export function listExecutions(filter: ExecutionFilter, page: number, pageSize: number) {
  const query = new URLSearchParams();
  for (const key of filterKeys) if (filter[key]) query.set(key, filter[key]!);
  query.set("page", String(page));
  query.set("page_size", String(pageSize));
  return api<Page<ExecutionRow>>(`/api/executions?${query}`);
}

export interface BulkResult {
  action: string;
  matched: number;
  truncated: boolean;
  succeeded: number;
  failed: number;
  results: { id: string; ok: boolean; status?: string; error?: { code: string; message: string } }[];
}

export const bulkExecutions = (action: "cancel" | "retry" | "delete", target: { ids: string[] } | { filter: ExecutionFilter }) =>
  api<BulkResult>("/api/executions/bulk", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ action, ...target }),
  });
