// What changed between two versions of a workflow, for the versions page: which steps were added, removed or changed,
// one graph that draws the steps of both versions, and side-by-side line diffs of the JSON. Pure functions, no React.
import type { ServerDiff } from "../api/versions";
import type { StepDefinition, WorkflowDefinition } from "../graph/definition";

export type Change = "added" | "changed" | "removed";

export interface StepDiff {
  id: string;
  change: Change;
  /** The step's top-level fields that differ ("config", "next", ...); every field for an added or removed step. */
  fields: string[];
  before?: StepDefinition;
  after?: StepDefinition;
}

export interface FieldDiff {
  field: string;
  before: unknown;
  after: unknown;
}

export interface VersionDiff {
  steps: StepDiff[];
  fields: FieldDiff[];
  /** Every step of the newer version plus the removed ones, each removed step right after its predecessor in the
   * older version, so the graph shows what went away where it was. */
  union: WorkflowDefinition;
  changes: Record<string, Change>;
  identical: boolean;
}

/** The workflow-level fields the server compares (DefinitionDiff.cs). */
export const workflowFields = ["name", "description", "version", "input_schema", "start_at", "timeout"] as const;

/** Deep equality of JSON values; an absent value and null are the same, as the engine reads them. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const key of keys) {
    // A key present in only one object differs (JsonNode.DeepEquals counts keys), even when its value is null.
    if (!(key in x) || !(key in y)) return false;
    if (!jsonEqual(x[key], y[key])) return false;
  }
  return true;
}

function stepsById(definition: WorkflowDefinition): Map<string, StepDefinition> {
  const steps = new Map<string, StepDefinition>();
  for (const step of definition.steps ?? [])
    if (step && typeof step.id === "string" && !steps.has(step.id)) steps.set(step.id, step);
  return steps;
}

/** The same classification as the server's DefinitionDiff, for when its answer is not at hand. */
export function classify(from: WorkflowDefinition, to: WorkflowDefinition): ServerDiff {
  const before = stepsById(from);
  const after = stepsById(to);
  const changed: ServerDiff["changed_steps"] = [];
  for (const [id, step] of after) {
    const old = before.get(id);
    if (!old) continue;
    const fields = [...new Set([...Object.keys(old), ...Object.keys(step)])].filter((f) => !jsonEqual(old[f], step[f]));
    if (fields.length > 0) changed.push({ step_id: id, fields });
  }
  const added = [...after.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const fields = workflowFields.filter((f) => !jsonEqual(from[f], to[f]));
  return {
    from: 0,
    to: 0,
    identical: added.length === 0 && removed.length === 0 && changed.length === 0 && fields.length === 0,
    added_steps: added,
    removed_steps: removed,
    changed_steps: changed,
    changed_fields: fields,
  };
}

/** The newer version's steps with the removed ones put back, each after the step that preceded it in the older one. */
export function unionSteps(from: WorkflowDefinition, to: WorkflowDefinition, removed: string[]): StepDefinition[] {
  const union = [...(to.steps ?? [])];
  const gone = new Set(removed);
  const older = from.steps ?? [];
  older.forEach((step, i) => {
    if (!gone.has(step.id)) return;
    let at = 0;
    for (let j = i - 1; j >= 0; j--) {
      const index = union.findIndex((s) => s.id === older[j].id);
      if (index >= 0) {
        at = index + 1;
        break;
      }
    }
    union.splice(at, 0, step);
  });
  return union;
}

/** The diff of two definitions: the server's classification when given, else computed here the same way. */
export function compareDefinitions(from: WorkflowDefinition, to: WorkflowDefinition, server?: ServerDiff | null): VersionDiff {
  const diff = server ?? classify(from, to);
  const before = stepsById(from);
  const after = stepsById(to);
  const changes: Record<string, Change> = {};
  const steps: StepDiff[] = [];
  for (const id of diff.added_steps) {
    changes[id] = "added";
    steps.push({ id, change: "added", fields: Object.keys(after.get(id) ?? {}), after: after.get(id) });
  }
  for (const c of diff.changed_steps) {
    changes[c.step_id] = "changed";
    steps.push({ id: c.step_id, change: "changed", fields: c.fields, before: before.get(c.step_id), after: after.get(c.step_id) });
  }
  for (const id of diff.removed_steps) {
    changes[id] = "removed";
    steps.push({ id, change: "removed", fields: Object.keys(before.get(id) ?? {}), before: before.get(id) });
  }
  // Steps in the order the graph draws them, so the JSON diff reads top to bottom like the graph.
  const union = unionSteps(from, to, diff.removed_steps);
  const order = new Map(union.map((s, i) => [s.id, i]));
  steps.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return {
    steps,
    fields: diff.changed_fields.map((field) => ({ field, before: from[field], after: to[field] })),
    union: { ...to, steps: union },
    changes,
    identical: diff.identical,
  };
}

export type LineKind = "same" | "removed" | "added";

export interface DiffLine {
  text: string;
  kind: LineKind;
}

/** One row of a side-by-side diff: the older line on the left, the newer on the right; a side is null where the
 * other has a line the first does not. */
export interface DiffRow {
  left: DiffLine | null;
  right: DiffLine | null;
}

/** JSON as the diff shows it: two-space indents; nothing (no lines) for an absent value. */
export function jsonLines(value: unknown): string[] {
  return value === undefined ? [] : JSON.stringify(value, null, 2).split("\n");
}

const maxCells = 4_000_000;

/** A line diff (longest common subsequence) laid out side by side: equal lines face each other, and a run of removed
 * lines faces the run of added lines that replaced it. */
export function sideBySide(before: string[], after: string[]): DiffRow[] {
  const n = before.length;
  const m = after.length;
  const ops: DiffLine[] = [];
  if (n * m > maxCells) {
    // Too large to align: everything old, then everything new.
    for (const text of before) ops.push({ text, kind: "removed" });
    for (const text of after) ops.push({ text, kind: "added" });
  } else {
    // lcs[i][j] = length of the longest common subsequence of before[i..] and after[j..].
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i * width + j] = before[i] === after[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && before[i] === after[j]) {
        ops.push({ text: before[i], kind: "same" });
        i++;
        j++;
      } else if (j < m && (i === n || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j])) {
        ops.push({ text: after[j], kind: "added" });
        j++;
      } else {
        ops.push({ text: before[i], kind: "removed" });
        i++;
      }
    }
  }
  const rows: DiffRow[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].kind === "same") {
      rows.push({ left: ops[k], right: ops[k] });
      k++;
      continue;
    }
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (k < ops.length && ops[k].kind !== "same") {
      (ops[k].kind === "removed" ? removed : added).push(ops[k]);
      k++;
    }
    for (let r = 0; r < Math.max(removed.length, added.length); r++) rows.push({ left: removed[r] ?? null, right: added[r] ?? null });
  }
  return rows;
}
