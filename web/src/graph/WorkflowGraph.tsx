import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useMemo } from "react";
import type { WorkflowDefinition } from "./definition";
import { toFlow } from "./flow";
import { layoutSteps } from "./layout";
import { StepNodeView } from "./StepNodeView";

export const nodeTypes = { step: StepNodeView };

export interface WorkflowGraphProps {
  definition: WorkflowDefinition;
  /** Step id → its state in an execution (pending, running, waiting, completed, failed, skipped). */
  states?: Record<string, string>;
  /** Step id → how a diff changed it. */
  changes?: Record<string, "added" | "changed" | "removed">;
  selectedStep?: string | null;
  onSelectStep?: (id: string | null) => void;
  height?: number | string;
}

/** A read-only drawing of a definition: the execution view, the version diff and test runs colour its steps. */
export function WorkflowGraph({ definition, states, changes, selectedStep, onSelectStep, height = 480 }: WorkflowGraphProps) {
  const positions = useMemo(() => layoutSteps(definition), [definition]);
  const { nodes, edges } = useMemo(() => {
    const flow = toFlow(definition, positions);
    for (const node of flow.nodes) {
      node.data = { ...node.data, state: states?.[node.id], change: changes?.[node.id] };
      node.selected = node.id === selectedStep;
    }
    return flow;
  }, [definition, positions, states, changes, selectedStep]);
  return (
    <div className="graph" style={{ height }} data-testid="workflow-graph">
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={!!onSelectStep}
          onNodeClick={(_, node) => onSelectStep?.(node.id)}
          onPaneClick={() => onSelectStep?.(null)}
          fitView
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
