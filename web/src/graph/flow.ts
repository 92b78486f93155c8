import { Position, type Edge, type Node, type NodeHandle } from "@xyflow/react";
import type { StepDefinition, WorkflowDefinition } from "./definition";
import { routesOf } from "./definition";
import { arrowMarkerId } from "./ArrowMarker";
import { nodeHeight, nodeWidth, type Positions } from "./layout";

/** What a step node shows: the step, and optionally its state in an execution or its change in a diff. */
export interface StepNodeData extends Record<string, unknown> {
  step: StepDefinition;
  start: boolean;
  state?: string;
  change?: "added" | "changed" | "removed";
  errors?: string[];
  /** A short note on the step, such as how many executions a migration moves onto it. */
  badge?: string;
  /** In the editor: condition steps get a third handle, "default", for config.default. */
  editable?: boolean;
}

export type StepNode = Node<StepNodeData, "step">;

/** From this many steps, only the nodes and edges in view are rendered: a 300-step graph with every node in the
 * page takes hundreds of milliseconds for each change. Smaller graphs keep every step in the page, reachable with Tab. */
export const renderOnlyVisibleFrom = 100;

const handleSize = 6;

/** Where StepNodeView's handles sit (see styles.css), declared so that React Flow can draw a node's routes, and leave
 * the node out of the page while it is out of view, before the node was ever rendered and measured. */
function stepHandles(step: StepDefinition): NodeHandle[] {
  const at = (id: string | null, type: "source" | "target", position: Position, x: number, y: number): NodeHandle =>
    ({ id, type, position, x: x - handleSize / 2, y: y - handleSize / 2, width: handleSize, height: handleSize });
  const handles = [
    at(null, "target", Position.Top, nodeWidth / 2, 0),
    at("out", "source", Position.Bottom, nodeWidth / 2, nodeHeight),
    at("error", "source", Position.Right, nodeWidth, nodeHeight / 2),
  ];
  if (step.type === "condition") handles.push(at("default", "source", Position.Left, 0, nodeHeight / 2));
  return handles;
}

/** The nodes and edges of a definition for React Flow; routes to unknown steps are left out (the validator names them). */
export function toFlow(definition: WorkflowDefinition, positions: Positions): { nodes: StepNode[]; edges: Edge[] } {
  const start = definition.start_at ?? definition.steps[0]?.id;
  const ids = new Set(definition.steps.map((s) => s.id));
  const nodes: StepNode[] = definition.steps.map((step) => ({
    id: step.id,
    type: "step",
    position: positions[step.id] ?? { x: 0, y: 0 },
    initialWidth: nodeWidth,
    initialHeight: nodeHeight,
    // The size StepNodeView has (styles.css) unless it shows errors or a badge: React Flow then finds, when the node is
    // first drawn, nothing to update, where it would otherwise measure each new node and draw the graph again.
    measured: { width: nodeWidth, height: nodeHeight },
    handles: stepHandles(step),
    data: { step, start: step.id === start },
  }));
  const edges: Edge[] = definition.steps.flatMap((step) =>
    routesOf(step)
      .filter((r) => ids.has(r.target))
      .map((r) => ({
        id: `${r.source}:${r.field}`,
        type: "route",
        source: r.source,
        target: r.target,
        sourceHandle: r.kind === "error" ? "error" : "out",
        label: r.label,
        className: `route route-${r.kind}`,
        markerEnd: arrowMarkerId,
        data: { field: r.field, kind: r.kind },
      })),
  );
  return { nodes, edges };
}
