/** A workflow definition as the API stores it. Only the fields the UI reads are typed; the rest is kept as written,
 * so a definition opened and saved again is unchanged. */
export interface StepDefinition {
  id: string;
  type: string;
  name?: string;
  description?: string;
  config?: Record<string, unknown>;
  next?: string;
  next_steps?: string[];
  on_error?: string;
  /** Where the editor drew the step; the engine ignores it. */
  position?: { x: number; y: number };
  [field: string]: unknown;
}

export interface WorkflowDefinition {
  name: string;
  description?: string;
  status?: string;
  input_schema?: Record<string, unknown>;
  start_at?: string;
  steps: StepDefinition[];
  [field: string]: unknown;
}

/** The kind of a route decides its handle on the node and its look on the graph. */
export type RouteKind = "next" | "branch" | "condition" | "default" | "error";

/** One edge a step declares, with the field it is written in (so the editor can change or remove exactly it). */
export interface Route {
  source: string;
  target: string;
  kind: RouteKind;
  /** "next", "next_steps[1]", "config.conditions[0].next", "config.default" or "on_error". */
  field: string;
  label?: string;
}

const isString = (value: unknown): value is string => typeof value === "string";

/** The expression-style condition keeps its routes in config.conditions (each with a condition and a next). */
export function expressionConditions(step: StepDefinition): { condition?: unknown; next?: unknown }[] | null {
  const conditions = step.config?.conditions;
  return step.type === "condition" && Array.isArray(conditions) ? (conditions as { condition?: unknown; next?: unknown }[]) : null;
}

/** Every route of a step in the engine's order: next, next_steps, a condition's branches and default, then on_error. */
export function routesOf(step: StepDefinition): Route[] {
  const routes: Route[] = [];
  const add = (target: unknown, kind: RouteKind, field: string, label?: string) => {
    if (isString(target)) routes.push({ source: step.id, target, kind, field, label });
  };
  add(step.next, "next", "next");
  const structuredCondition = step.type === "condition" && !expressionConditions(step);
  (step.next_steps ?? []).forEach((target, i) => {
    const label = structuredCondition ? (i === 0 ? "if true" : i === 1 ? "if false" : undefined) : step.type === "parallel" ? `branch ${i + 1}` : undefined;
    add(target, structuredCondition ? "condition" : "branch", `next_steps[${i}]`, label);
  });
  (expressionConditions(step) ?? []).forEach((branch, i) =>
    add(branch?.next, "condition", `config.conditions[${i}].next`, isString(branch?.condition) ? branch.condition : undefined),
  );
  add(step.config?.default, "default", "config.default", "default");
  add(step.on_error, "error", "on_error", "on error");
  return routes;
}
