import { api } from "./client";

export interface WorkflowSummary {
  id: string;
  name: string;
  description?: string | null;
  status: string;
  current_version: number;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export const listWorkflows = () => api<Page<WorkflowSummary>>("/api/workflows?page_size=200");

/** The workflow with its current definition merged in (steps, input_schema, ...). */
export const getWorkflow = (id: string) => api<WorkflowSummary & Record<string, unknown>>(`/api/workflows/${encodeURIComponent(id)}`);
