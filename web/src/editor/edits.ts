import { expressionConditions, routesOf, type StepDefinition, type WorkflowDefinition } from "../graph/definition";

/** Pure changes to a definition: each returns a new definition and leaves the given one as it was, so the editor's
 * history can keep every state. Fields the editor does not know are carried over untouched. */

type Point = { x: number; y: number };

const clone = <T,>(value: T): T => structuredClone(value);

const mapStep = (definition: WorkflowDefinition, id: string, change: (step: StepDefinition) => StepDefinition): WorkflowDefinition => ({
  ...definition,
  steps: definition.steps.map((s) => (s.id === id ? change(clone(s)) : s)),
});

/** A step id the definition does not use yet, made from the type (ids are letters, digits, '_' or '-'). */
export function uniqueId(definition: WorkflowDefinition, base: string, taken: Set<string> = new Set()): string {
  const used = new Set([...definition.steps.map((s) => s.id), ...taken]);
  const stem = base.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 50) || "step";
  for (let n = 1; ; n++) if (!used.has(`${stem}_${n}`)) return `${stem}_${n}`;
}

export function addStep(definition: WorkflowDefinition, type: string, position: Point): { definition: WorkflowDefinition; id: string } {
  const id = uniqueId(definition, type);
  const step: StepDefinition = { id, type, config: {}, position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { definition: { ...definition, steps: [...definition.steps, step] }, id };
}

export function replaceStep(definition: WorkflowDefinition, id: string, step: StepDefinition): WorkflowDefinition {
  return { ...definition, steps: definition.steps.map((s) => (s.id === id ? step : s)) };
}

/** Writes positions (rounded) into the steps; the same definition back when none changed, so no history entry. */
export function setPositions(definition: WorkflowDefinition, positions: Record<string, Point>): WorkflowDefinition {
  let changed = false;
  const steps = definition.steps.map((s) => {
    const p = positions[s.id];
    if (!p) return s;
    const position = { x: Math.round(p.x), y: Math.round(p.y) };
    if (s.position && s.position.x === position.x && s.position.y === position.y) return s;
    changed = true;
    return { ...s, position };
  });
  return changed ? { ...definition, steps } : definition;
}

/** Sets a route from the handle a connection was drawn from: "error" → on_error; "default" → a condition's
 * config.default; "out" → a parallel step's next branch, a condition's next branch, else next. */
export function connect(definition: WorkflowDefinition, source: string, handle: string | null | undefined, target: string): WorkflowDefinition {
  if (source === target) return definition;
  return mapStep(definition, source, (step) => {
    if (handle === "error") return { ...step, on_error: target };
    if (step.type === "condition") {
      const structured = !expressionConditions(step) && (step.config?.field !== undefined || Array.isArray(step.conditions));
      if (structured) return { ...step, next_steps: [...(step.next_steps ?? []), target].slice(-2) };
      const config = { ...(step.config ?? {}) };
      if (handle === "default") config.default = target;
      else config.conditions = [...((config.conditions as unknown[]) ?? []), { condition: "", next: target }];
      return { ...step, config };
    }
    if (step.type === "parallel") {
      const branches = step.next_steps ?? [];
      return branches.includes(target) ? step : { ...step, next_steps: [...branches, target] };
    }
    return { ...step, next: target };
  });
}

/** Removes the route written in one field ("next", "next_steps[1]", "config.conditions[0].next" — the whole branch —,
 * "config.default", "on_error"); an emptied next_steps goes too. */
export function removeRoute(definition: WorkflowDefinition, source: string, field: string): WorkflowDefinition {
  return mapStep(definition, source, (step) => removeField(step, field));
}

function removeField(step: StepDefinition, field: string): StepDefinition {
  let match: RegExpMatchArray | null;
  if (field === "next" || field === "on_error") {
    const { [field]: _, ...rest } = step;
    return rest as StepDefinition;
  }
  if ((match = field.match(/^next_steps\[(\d+)\]$/))) {
    const branches = (step.next_steps ?? []).filter((_, i) => i !== Number(match![1]));
    const { next_steps: _, ...rest } = step;
    return branches.length ? { ...rest, next_steps: branches } as StepDefinition : (rest as StepDefinition);
  }
  if ((match = field.match(/^config\.conditions\[(\d+)\]\.next$/))) {
    const conditions = ((step.config?.conditions as unknown[]) ?? []).filter((_, i) => i !== Number(match![1]));
    return { ...step, config: { ...step.config, conditions } };
  }
  if (field === "config.default") {
    const { default: _, ...config } = step.config ?? {};
    return { ...step, config };
  }
  return step;
}

/** Removes steps and every route that led to them (a removed start step also clears start_at). */
export function removeSteps(definition: WorkflowDefinition, ids: Iterable<string>): WorkflowDefinition {
  const gone = new Set(ids);
  if (gone.size === 0) return definition;
  const steps = definition.steps
    .filter((s) => !gone.has(s.id))
    .map((s) => {
      // Last field first, so removing next_steps[1] does not shift next_steps[2] away from its index.
      const fields = routesOf(s).filter((r) => gone.has(r.target)).map((r) => r.field).reverse();
      return fields.reduce((step, field) => removeField(step, field), clone(s));
    });
  const result: WorkflowDefinition = { ...definition, steps };
  if (definition.start_at && gone.has(definition.start_at)) delete result.start_at;
  return result;
}

/** Renames a step and every route (and start_at) that names it. */
export function renameStep(definition: WorkflowDefinition, from: string, to: string): WorkflowDefinition {
  if (from === to || !to) return definition;
  const steps = definition.steps.map((s) => retarget(s.id === from ? { ...s, id: to } : s, (t) => (t === from ? to : t)));
  return { ...definition, steps, ...(definition.start_at === from ? { start_at: to } : {}) };
}

/** The step with each route target passed through map (a route's target that map leaves alone is untouched). */
export function retarget(step: StepDefinition, map: (target: string) => string | undefined): StepDefinition {
  const routes = routesOf(step);
  if (!routes.some((r) => map(r.target) !== r.target)) return step;
  let copy = clone(step);
  for (const route of [...routes].reverse()) {
    const target = map(route.target);
    if (target === route.target) continue;
    if (target === undefined) copy = removeField(copy, route.field);
    else copy = setField(copy, route.field, target);
  }
  return copy;
}

function setField(step: StepDefinition, field: string, target: string): StepDefinition {
  let match: RegExpMatchArray | null;
  if (field === "next" || field === "on_error") return { ...step, [field]: target };
  if ((match = field.match(/^next_steps\[(\d+)\]$/))) {
    const branches = [...(step.next_steps ?? [])];
    branches[Number(match[1])] = target;
    return { ...step, next_steps: branches };
  }
  if ((match = field.match(/^config\.conditions\[(\d+)\]\.next$/))) {
    const conditions = [...((step.config?.conditions as Record<string, unknown>[]) ?? [])];
    conditions[Number(match[1])] = { ...conditions[Number(match[1])], next: target };
    return { ...step, config: { ...step.config, conditions } };
  }
  if (field === "config.default") return { ...step, config: { ...step.config, default: target } };
  return step;
}

/** Copies of steps under new ids, placed a little to the side; routes among them follow the copies. */
export function pasteSteps(definition: WorkflowDefinition, copied: StepDefinition[], offset: Point): { definition: WorkflowDefinition; ids: string[] } {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const step of copied) {
    const id = uniqueId(definition, step.id.replace(/_\d+$/, ""), taken);
    taken.add(id);
    ids.set(step.id, id);
  }
  const pasted = copied.map((step) => {
    const copy = retarget({ ...clone(step), id: ids.get(step.id)! }, (t) => ids.get(t) ?? t);
    const p = step.position;
    return p ? { ...copy, position: { x: p.x + offset.x, y: p.y + offset.y } } : copy;
  });
  return { definition: { ...definition, steps: [...definition.steps, ...pasted] }, ids: [...ids.values()] };
}

/** Puts steps in a labelled group (ui.group), or out of any group when the label is empty. */
export function setGroup(definition: WorkflowDefinition, ids: Iterable<string>, label: string): WorkflowDefinition {
  const chosen = new Set(ids);
  return {
    ...definition,
    steps: definition.steps.map((s) => {
      if (!chosen.has(s.id)) return s;
      const ui = { ...((s.ui as Record<string, unknown>) ?? {}) };
      if (label) ui.group = label;
      else delete ui.group;
      const { ui: _, ...rest } = s;
      return Object.keys(ui).length ? { ...rest, ui } : (rest as StepDefinition);
    }),
  };
}

export const groupOf = (step: StepDefinition): string | undefined => {
  const group = (step.ui as Record<string, unknown> | undefined)?.group;
  return typeof group === "string" && group ? group : undefined;
};
