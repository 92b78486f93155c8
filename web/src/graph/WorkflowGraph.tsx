import { Background, Controls, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useMemo, useRef } from "react";
import type { WorkflowDefinition } from "./definition";
import { renderOnlyVisibleFrom, toFlow } from "./flow";
import { reuseUnchanged } from "./stable";
import { ArrowMarker } from "./ArrowMarker";
import { StepMiniMap } from "./StepMiniMap";
import { useLayout } from "./useLayout";
import { StepNodeView } from "./StepNodeView";
import { RouteEdge } from "./RouteEdge";

export const nodeTypes = { step: StepNodeView };
export const edgeTypes = { route: RouteEdge };

export interface WorkflowGraphProps {
  definition: WorkflowDefinition;
  /** Step id → its state in an execution (pending, running, waiting, completed, failed, skipped). */
  states?: Record<string, string>;
  /** Step id → how a diff changed it. */
  changes?: Record<string, "added" | "changed" | "removed">;
  /** Step id → a short note shown on the step. */
  badges?: Record<string, string>;
  selectedStep?: string | null;
  onSelectStep?: (id: string | null) => void;
  height?: number | string;
}

/** A read-only drawing of a definition: the execution view, the version diff and test runs colour its steps. */
export function WorkflowGraph({ definition, states, changes, badges, selectedStep, onSelectStep, height = 480 }: WorkflowGraphProps) {
  const positions = useLayout(definition);
  const large = definition.steps.length >= renderOnlyVisibleFrom;
  // A live execution changes one step's state at a time: only that node re-renders.
  const previous = useRef<ReturnType<typeof toFlow>>({ nodes: [], edges: [] });
  const { nodes, edges } = useMemo(() => {
    if (!positions) return previous.current;
    const flow = toFlow(definition, positions);
    for (const node of flow.nodes) {
      node.data = { ...node.data, state: states?.[node.id], change: changes?.[node.id], badge: badges?.[node.id] };
      node.selected = node.id === selectedStep;
    }
    return (previous.current = { nodes: reuseUnchanged(previous.current.nodes, flow.nodes), edges: reuseUnchanged(previous.current.edges, flow.edges) });
  }, [definition, positions, states, changes, badges, selectedStep]);
  if (!positions)
    return (
      <div className="graph" style={{ height }} data-testid="workflow-graph">
        <p className="muted graph-pending">Laying out {definition.steps.length} steps…</p>
      </div>
    );
  return (
    <div className="graph" style={{ height }} data-testid="workflow-graph">
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={!!onSelectStep}
          onNodeClick={(_, node) => onSelectStep?.(node.id)}
          onPaneClick={() => onSelectStep?.(null)}
          onlyRenderVisibleElements={large}
          // A small graph fits whole in the box; a large one opens at a readable size and is panned.
          minZoom={large ? 0.5 : 0.2}
          fitView
          proOptions={{ hideAttribution: true }}
        >
          <ArrowMarker />
          <Background />
          <Controls showInteractive={false} />
          <StepMiniMap positions={positions} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
