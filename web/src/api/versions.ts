import { api } from "./client";
import type { WorkflowDefinition } from "../graph/definition";

/** One saved version of a workflow, as GET /api/workflows/{id}/versions lists it. */
export interface VersionSummary {
  workflow_id: string;
  number: number;
  /** The definition's own "version" field, when it has one. */
  label?: string | null;
  /** A hash of the definition (without its status): equal hashes mean equal definitions. */
  hash: string;
  created_at: string;
  /** Who saved it (the token's subject or the API key's name); null for versions saved before this was recorded. */
  updated_by?: string | null;
}

export interface VersionList {
  workflow_id: string;
  current_version: number;
  items: VersionSummary[];
}

export interface VersionWithDefinition extends VersionSummary {
  definition: WorkflowDefinition;
}

/** The server's diff of two versions: which steps were added, removed or changed (and in which top-level fields), and
 * which workflow-level fields changed. */
export interface ServerDiff {
  from: number;
  to: number;
  identical: boolean;
  added_steps: string[];
  removed_steps: string[];
  changed_steps: { step_id: string; fields: string[] }[];
  changed_fields: string[];
}

export interface RevertAnswer {
  id: string;
  current_version: number;
  version_created: boolean;
  reverted_from: number;
}

const base = (id: string) => `/api/workflows/${encodeURIComponent(id)}`;

export const listVersions = (id: string) => api<VersionList>(`${base(id)}/versions`);

export const getVersion = (id: string, number: number) => api<VersionWithDefinition>(`${base(id)}/versions/${number}`);

export const diffVersions = (id: string, from: number, to: number) =>
  api<ServerDiff>(`${base(id)}/diff?from=${from}&to=${to}`);

export const revertToVersion = (id: string, number: number) =>
  api<RevertAnswer>(`${base(id)}/versions/${number}/revert`, { method: "POST" });
