import { MarkerType, type Edge, type Node } from "@xyflow/react";
import type { StepDefinition, WorkflowDefinition } from "./definition";
import { routesOf } from "./definition";
import type { Positions } from "./layout";

/** What a step node shows: the step, and optionally its state in an execution or its change in a diff. */
export interface StepNodeData extends Record<string, unknown> {
  step: StepDefinition;
  start: boolean;
  state?: string;
  change?: "added" | "changed" | "removed";
  errors?: string[];
  /** In the editor: condition steps get a third handle, "default", for config.default. */
  editable?: boolean;
}

export type StepNode = Node<StepNodeData, "step">;

/** The nodes and edges of a definition for React Flow; routes to unknown steps are left out (the validator names them). */
export function toFlow(definition: WorkflowDefinition, positions: Positions): { nodes: StepNode[]; edges: Edge[] } {
  const start = definition.start_at ?? definition.steps[0]?.id;
  const ids = new Set(definition.steps.map((s) => s.id));
  const nodes: StepNode[] = definition.steps.map((step) => ({
    id: step.id,
    type: "step",
    position: positions[step.id] ?? { x: 0, y: 0 },
    data: { step, start: step.id === start },
  }));
  const edges: Edge[] = definition.steps.flatMap((step) =>
    routesOf(step)
      .filter((r) => ids.has(r.target))
      .map((r) => ({
        id: `${r.source}:${r.field}`,
        source: r.source,
        target: r.target,
        sourceHandle: r.kind === "error" ? "error" : "out",
        label: r.label,
        className: `route route-${r.kind}`,
        markerEnd: { type: MarkerType.ArrowClosed },
        data: { field: r.field, kind: r.kind },
      })),
  );
  return { nodes, edges };
}
