import { api } from "./client";

export interface LastExecution {
  id: string;
  status: string;
  created_at: string;
  started_at?: string | null;
  completed_at?: string | null;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  description?: string | null;
  status: string;
  current_version: number;
  created_at: string;
  updated_at: string;
  last_execution?: LastExecution | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export type Definition = Record<string, unknown>;

const path = (id: string) => `/api/workflows/${encodeURIComponent(id)}`;
const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

export const listWorkflows = () => api<Page<WorkflowSummary>>("/api/workflows?page_size=200");

/** The workflow with its current definition merged in (steps, input_schema, ...). */
export const getWorkflow = (id: string) => api<WorkflowSummary & Record<string, unknown>>(path(id));

export const createWorkflow = (definition: Definition) => api<WorkflowSummary>("/api/workflows", json("POST", definition));

export const setWorkflowStatus = (id: string, status: "draft" | "active" | "archived") =>
  api<WorkflowSummary>(path(id), json("PATCH", { status }));

export const deleteWorkflow = (id: string, deleteHistory: boolean) =>
  api<void>(`${path(id)}${deleteHistory ? "?delete_history=true" : ""}`, { method: "DELETE" });

// The fields the server adds around the stored definition; the rest is the definition as written.
const serverFields = new Set(["id", "status", "current_version", "version", "created_at", "updated_at", "last_execution"]);

/** The definition as written, without what the server adds; the status is kept, as a definition may carry it. */
export function definitionOf(workflow: Record<string, unknown>, keepStatus = true): Definition {
  const out: Definition = {};
  for (const [key, value] of Object.entries(workflow))
    if (!serverFields.has(key) || (keepStatus && key === "status")) out[key] = value;
  return out;
}

/** The server's validation errors, each with its path (steps[step id].field) and message, from an invalid_workflow_definition answer. */
export function definitionErrors(details: Record<string, unknown>): { field: string; message: string }[] {
  const errors = details.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => {
    const { step_id, field, message } = e as { step_id?: unknown; field?: unknown; message?: unknown };
    const path = [step_id ? `steps[${String(step_id)}]` : "", field ? String(field) : ""].filter(Boolean).join(".");
    return { field: path, message: String(message ?? "") };
  });
}
