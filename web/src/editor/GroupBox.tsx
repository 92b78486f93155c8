import type { Node, NodeProps } from "@xyflow/react";
import type { WorkflowDefinition } from "../graph/definition";
import { nodeHeight, nodeWidth, type Positions } from "../graph/layout";
import { groupOf } from "./edits";

type GroupNode = Node<{ label: string }, "stepGroup">;

const pad = 24;

/** A labelled box drawn behind the steps that share a ui.group label. */
export function groupBoxes(definition: WorkflowDefinition, positions: Positions): GroupNode[] {
  const boxes = new Map<string, { x1: number; y1: number; x2: number; y2: number }>();
  for (const step of definition.steps) {
    const label = groupOf(step);
    const p = positions[step.id];
    if (!label || !p) continue;
    const box = boxes.get(label) ?? { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
    boxes.set(label, { x1: Math.min(box.x1, p.x), y1: Math.min(box.y1, p.y), x2: Math.max(box.x2, p.x + nodeWidth), y2: Math.max(box.y2, p.y + nodeHeight) });
  }
  return [...boxes].map(([label, b]) => ({
    id: `group:${label}`,
    type: "stepGroup",
    position: { x: b.x1 - pad, y: b.y1 - pad - 16 },
    data: { label },
    style: { width: b.x2 - b.x1 + 2 * pad, height: b.y2 - b.y1 + 2 * pad + 16 },
    selectable: false,
    draggable: false,
    connectable: false,
    focusable: false,
    zIndex: -1,
  }));
}

export function GroupBoxView({ data }: NodeProps<GroupNode>) {
  return (
    <div className="group-box" data-testid="group-box">
      <span className="group-label">{data.label}</span>
    </div>
  );
}
