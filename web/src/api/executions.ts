import { api } from "./client";

/** One execution as GET /api/executions/{id} answers. */
export interface Execution {
  id: string;
  workflow_id: string;
  workflow_version: number;
  status: string;
  mode: "automatic" | "manual";
  current_step: string | null;
  progress: { totalNodes: number; completedNodes: number; percentage: number };
  progress_fraction: number;
  input?: unknown;
  output?: unknown;
  error?: { step_id?: string; step_name?: string; message?: string; code?: string } | null;
  is_test: boolean;
  created_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  waiting_for?: { step_id: string; kind: string; name: string | null; child_execution_id: string | null }[];
  search_attributes?: Record<string, string> | null;
}

/** One attempt of one step. */
export interface StepRun {
  step_id: string;
  step_name: string;
  type: string;
  attempt: number;
  status: string;
  input?: unknown;
  output?: unknown;
  error?: { message?: string; code?: string } | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface LogLine {
  timestamp: string;
  level: string;
  step_id: string | null;
  message: string;
  data?: unknown;
}

/** test-execute's answer: the execution with its whole trace. */
export interface TestRun extends Execution {
  timed_out: boolean;
  steps: (StepRun & { virtual_started_at?: string | null; virtual_finished_at?: string | null })[];
  /** Present when the run skipped time or was given events or inputs. */
  virtual_time?: { skipped_ms: number; jumps: number; started_at: string | null; completed_at: string | null };
  /** What the run still waits for that it was not given. */
  missing?: { execution_id: string; step_id: string; kind: "event" | "manual_input"; name: string }[];
}

/** How one test case a workflow carries ran (POST /api/workflows/{id}/tests). */
export interface TestCaseResult {
  name: string;
  passed: boolean;
  execution_id: string | null;
  status: string | null;
  differences: { field: string; message: string }[];
}

export interface TestReport {
  passed: boolean;
  total: number;
  failed: number;
  cases: TestCaseResult[];
}

const path = (id: string) => `/api/executions/${encodeURIComponent(id)}`;
const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

export const getExecution = (id: string) => api<Execution>(path(id));
export const getStepRuns = (id: string) => api<{ items: StepRun[] }>(`${path(id)}/steps`).then((r) => r.items);
export const getLogs = (id: string) => api<{ items: LogLine[] }>(`${path(id)}/logs`).then((r) => r.items);

export type Operation = "pause" | "resume" | "cancel" | "retry" | "advance";
export const operate = (id: string, operation: Operation) => api<Execution>(`${path(id)}/${operation}`, { method: "POST" });
/** Runs an ended execution again from its first step, as a new execution (on the version it ran, or the latest). */
export const rerun = (id: string, version: "same" | "latest") =>
  api<Execution & { retry_of: string }>(`${path(id)}/retry`, json({ from: "start", version }));
export const deleteExecution = (id: string) => api<void>(path(id), { method: "DELETE" });
/** Everything about one execution in one JSON document (GET …/export). */
export const exportExecution = (id: string) => api<unknown>(`${path(id)}/export`);
export const sendEvent = (id: string, name: string, data: unknown) => api<Execution>(`${path(id)}/events`, json({ name, data }));
export const submitInput = (id: string, stepId: string, data: unknown) =>
  api<Execution>(`${path(id)}/input`, json({ step_id: stepId, data }));

const workflowPath = (id: string) => `/api/workflows/${encodeURIComponent(id)}`;
export const executeWorkflow = (workflowId: string, input: unknown, mode: "automatic" | "manual") =>
  api<Execution>(`${workflowPath(workflowId)}/execute`, json({ input, mode }));
export const testExecuteWorkflow = (workflowId: string, input: unknown, skipTime = false) =>
  api<TestRun>(`${workflowPath(workflowId)}/test-execute`, json(skipTime ? { input, skip_time: true } : { input }));
export const runWorkflowTests = (workflowId: string) => api<TestReport>(`${workflowPath(workflowId)}/tests`, json({}));

/** One point of an execution's history: its start, a committed step run, or an end no run shows. */
export interface HistoryPoint {
  index: number;
  kind: string;
  step_id: string | null;
  step_name: string | null;
  attempt: number | null;
  at: string;
  status: string;
}

/** A point with the context and variables right after it. */
export interface HistoryPointState extends HistoryPoint {
  context: Record<string, unknown>;
  variables: unknown;
}

export const getHistory = (id: string) => api<{ points: HistoryPoint[] }>(`${path(id)}/history`).then((r) => r.points);
export const getHistoryPoint = (id: string, point: number) => api<HistoryPointState>(`${path(id)}/history/${point}`);
/** A new test execution from that point with that context; steps with effects give their recorded results unless live. */
export const rerunFromPoint = (id: string, point: number, live: boolean) =>
  api<Execution>(`${path(id)}/history/${point}/rerun`, json({ live }));

/** The definition an execution runs (its pinned version). */
export const getWorkflowVersion = (workflowId: string, version: number) =>
  api<{ number: number; definition: Record<string, unknown> }>(`${workflowPath(workflowId)}/versions/${version}`);
