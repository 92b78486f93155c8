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
  /** One search attribute's exact value, written name=value. */
  search?: string;
}

export const filterKeys = ["workflow_id", "status", "from", "to", "q", "search"] as const;

/** "customer=acme" as the name and value the API filters by; null when it has no name. */
export function searchAttribute(text?: string): [string, string] | null {
  const at = text?.indexOf("=") ?? -1;
  return text && at > 0 ? [text.slice(0, at).trim(), text.slice(at + 1).trim()] : null;
}

/** The filter as the API takes it: the search attribute becomes search.name=value. */
function apiQuery(filter: ExecutionFilter) {
  const query = new URLSearchParams();
  for (const key of filterKeys) if (key !== "search" && filter[key]) query.set(key, filter[key]!);
  const attribute = searchAttribute(filter.search);
  if (attribute) query.set(`search.${attribute[0]}`, attribute[1]);
  return query;
}

/** The filter as a bulk action takes it: the search attribute becomes {search: {name: value}}. */
export function bulkFilter(filter: ExecutionFilter) {
  const { search, ...rest } = filter;
  const attribute = searchAttribute(search);
  return attribute ? { ...rest, search: { [attribute[0]]: attribute[1] } } : rest;
}

export function listExecutions(filter: ExecutionFilter, page: number, pageSize: number) {
  const query = apiQuery(filter);
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
    body: JSON.stringify({ action, ...("filter" in target ? { filter: bulkFilter(target.filter) } : target) }),
  });
