import type { Execution, StepRun } from "../api/executions";
import type { StepDefinition, WorkflowDefinition } from "../graph/definition";

const terminal = new Set(["completed", "failed", "cancelled"]);
export const isTerminal = (status: string | undefined) => !!status && terminal.has(status);

/** Each step's runs, oldest attempt first. */
export function runsByStep(runs: StepRun[]): Record<string, StepRun[]> {
  const by: Record<string, StepRun[]> = {};
  for (const run of runs) (by[run.step_id] ??= []).push(run);
  for (const list of Object.values(by)) list.sort((a, b) => a.attempt - b.attempt || (a.started_at ?? "").localeCompare(b.started_at ?? ""));
  return by;
}

/** Each step's state in the execution: what its last attempt recorded, running for the step the execution is on
 * (pending while manual mode holds it),
 * waiting for a step the execution waits on, skipped for one that never ran in an ended execution, else pending. */
export function stepStates(definition: WorkflowDefinition, execution: Execution, runs: StepRun[]): Record<string, string> {
  const by = runsByStep(runs);
  const waiting = new Set((execution.waiting_for ?? []).map((w) => w.step_id));
  const states: Record<string, string> = {};
  for (const step of definition.steps) {
    const last = by[step.id]?.at(-1);
    if (waiting.has(step.id)) states[step.id] = "waiting";
    else if (execution.status === "running" && execution.current_step === step.id && last?.status !== "completed" && last?.status !== "waiting")
      // In manual mode the scheduled step is held until someone advances it.
      states[step.id] = execution.mode === "manual" ? "pending" : "running";
    else if (last) states[step.id] = last.status;
    else states[step.id] = isTerminal(execution.status) ? "skipped" : "pending";
  }
  return states;
}

/** The schema a manual-input step's submission must match: config.schema, or one built from config.fields
 * (as the engine builds it). */
export function inputSchemaOf(step: StepDefinition | undefined): Record<string, unknown> | null {
  const config = step?.config;
  if (!config) return null;
  if (config.schema && typeof config.schema === "object") return config.schema as Record<string, unknown>;
  if (!Array.isArray(config.fields)) return null;
  const known = ["string", "number", "integer", "boolean", "object", "array"];
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const field of config.fields as { name?: unknown; type?: unknown; required?: unknown; label?: unknown }[]) {
    if (typeof field?.name !== "string") continue;
    const type = typeof field.type === "string" && known.includes(field.type) ? field.type : "string";
    properties[field.name] = typeof field.label === "string" ? { type, title: field.label } : { type };
    if (field.required === true) required.push(field.name);
  }
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

/** "$.user.name" or "/user/name" → "user.name", the paths SchemaForm shows errors under. */
export function fieldPath(path: string): string {
  return path.replace(/^\$\.?/, "").replace(/^\//, "").replace(/\//g, ".");
}

/** Field path → message, from an API error's details.errors ([{path, message}]). A missing required property named
 * in the message is shown on that property's field. */
export function fieldErrors(details: Record<string, unknown> | null | undefined): Record<string, string> {
  const errors: Record<string, string> = {};
  const list = Array.isArray(details?.errors) ? (details.errors as { path?: string; message?: string }[]) : [];
  for (const e of list) {
    let path = fieldPath(e.path ?? "");
    const missing = /required property '([^']+)'|'([^']+)' is required|required: '?([\w-]+)/i.exec(e.message ?? "");
    if (missing) path = [path, missing[1] ?? missing[2] ?? missing[3]].filter(Boolean).join(".");
    if (!errors[path]) errors[path] = e.message ?? "Invalid.";
  }
  return errors;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
