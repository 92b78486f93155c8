import dagre from "@dagrejs/dagre";
import type { WorkflowDefinition } from "./definition";
import { routesOf } from "./definition";

export const nodeWidth = 220;
export const nodeHeight = 72;

export type Positions = Record<string, { x: number; y: number }>;

/** Whether the step carries a usable saved position. */
export function hasPosition(step: { position?: { x: number; y: number } }): boolean {
  const p = step.position;
  return !!p && Number.isFinite(p.x) && Number.isFinite(p.y);
}

/** Where each step is drawn: its saved position, else a top-to-bottom layered layout of the routes. Steps that have
 * positions keep them; the layout only places the others. */
export function layoutSteps(definition: WorkflowDefinition): Positions {
  const positions: Positions = {};
  const unplaced = definition.steps.filter((s) => {
    if (!hasPosition(s)) return true;
    positions[s.id] = { x: s.position!.x, y: s.position!.y };
    return false;
  });
  if (unplaced.length === 0) return positions;

  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 40, ranksep: 60, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(definition.steps.map((s) => s.id));
  for (const step of definition.steps) g.setNode(step.id, { width: nodeWidth, height: nodeHeight });
  for (const step of definition.steps)
    for (const route of routesOf(step)) if (ids.has(route.target) && route.target !== step.id) g.setEdge(step.id, route.target);
  dagre.layout(g);
  for (const step of unplaced) {
    const node = g.node(step.id);
    positions[step.id] = { x: Math.round(node.x - nodeWidth / 2), y: Math.round(node.y - nodeHeight / 2) };
  }
  return positions;
}
