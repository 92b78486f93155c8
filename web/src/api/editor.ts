import type { JsonSchema } from "../components/SchemaForm";
import type { StepDefinition, WorkflowDefinition } from "../graph/definition";
import { api } from "./client";

/** A step type the definition may use, as GET /api/available-steps describes it. */
export interface AvailableStep {
  name: string;
  type: string;
  description?: string | null;
  category: string;
  /** "built_in", "local" (registered in this server) or "remote" (offered by a steps service). */
  source: string;
  config_schema?: JsonSchema | null;
  service?: string;
}

/** One problem the validators found: the step (null for workflow-level fields) and the field path in it. */
export interface ValidationError {
  step_id?: string | null;
  field?: string | null;
  message: string;
  code?: string;
}

export interface ValidationAnswer {
  valid: boolean;
  errors: ValidationError[];
  warnings?: ValidationError[];
}

interface WorkflowAnswer {
  id: string;
  current_version: number;
  version_created?: boolean;
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

export const listAvailableSteps = () => api<{ steps: AvailableStep[] }>("/api/available-steps").then((a) => a.steps);

/** The definition exactly as stored in the current version (the workflow's GET merges server fields into it). */
export async function loadDefinition(id: string): Promise<{ definition: WorkflowDefinition; version: number }> {
  const workflow = await api<WorkflowAnswer>(`/api/workflows/${encodeURIComponent(id)}`);
  const version = await api<{ definition: WorkflowDefinition }>(
    `/api/workflows/${encodeURIComponent(id)}/versions/${workflow.current_version}`,
  );
  return { definition: version.definition, version: workflow.current_version };
}

export const validateDefinition = (definition: WorkflowDefinition, signal?: AbortSignal) =>
  api<ValidationAnswer>("/api/workflows/validate", { ...json({ definition }), signal });

export const validateStep = (step: StepDefinition, availableSteps: string[], signal?: AbortSignal) =>
  api<ValidationAnswer>("/api/workflows/validate-step", { ...json({ step, context: { available_steps: availableSteps } }), signal });

/** Saves the definition as the workflow's new version (none is made when nothing changed). */
export const saveDefinition = (id: string, definition: WorkflowDefinition) =>
  api<WorkflowAnswer>(`/api/workflows/${encodeURIComponent(id)}`, { ...json(definition), method: "PUT" });
