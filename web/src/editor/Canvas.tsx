import {
  applyNodeChanges, Background, ControlButton, Controls, getViewportForBounds, ReactFlow,
  type Connection, type Edge, type Node, type NodeChange, type EdgeChange, type ReactFlowInstance, type Viewport,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { startTransition, useEffect, useMemo, useRef, useState, type DragEvent, type RefObject } from "react";
import { afterPaint } from "../graph/afterPaint";
import type { WorkflowDefinition } from "../graph/definition";
import { renderOnlyVisibleFrom, toFlow } from "../graph/flow";
import type { Positions } from "../graph/layout";
import { reuseUnchanged } from "../graph/stable";
import { ArrowMarker } from "../graph/ArrowMarker";
import { nodeHeight, nodeWidth } from "../graph/layout";
import { useNodesNearView, type PaneSize } from "../graph/nearView";
import { StepMiniMap } from "../graph/StepMiniMap";
import { groupBoxes, GroupBoxView } from "./GroupBox";
import { edgeTypes, nodeTypes as stepTypes } from "../graph/WorkflowGraph";
import { prepareLabels } from "../graph/RouteEdge";

const nodeTypes = { ...stepTypes, stepGroup: GroupBoxView };

const same = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.round(a.x) === Math.round(b.x) && Math.round(a.y) === Math.round(b.y);

/** How many of a large workflow's first steps the editor frames when it opens. */
const openingSteps = 8;

/** How the editor first frames a workflow: whole when it is small; a large one at a readable size on its first
 * steps, as a reader starts at the top. */
export function openingView(definition: WorkflowDefinition) {
  return definition.steps.length >= renderOnlyVisibleFrom
    ? { nodes: definition.steps.slice(0, openingSteps).map((s) => ({ id: s.id })), maxZoom: 1 }
    : { maxZoom: 1 };
}

/** The box around the nodes at these positions. */
function boundsOf(points: { x: number; y: number }[]) {
  const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
  const x = Math.min(...xs), y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) + nodeWidth - x, height: Math.max(...ys) + nodeHeight - y };
}

/** The view openingView frames on a large workflow (as React Flow's fitView computes it: padding 0.1, zoom 0.5 to 1),
 * worked out before the graph mounts: the steps near the view are then known from the first render, where a fit
 * after the first draw would move the view and hand React Flow another set of steps. */
function openingViewport(definition: WorkflowDefinition, positions: Positions, pane: PaneSize): Viewport {
  const first = definition.steps.slice(0, openingSteps).map((s) => positions[s.id]).filter(Boolean);
  return getViewportForBounds(boundsOf(first), pane.width, pane.height, 0.5, 1, 0.1);
}

/** The MIME type a palette item drags its step type under. */
export const stepTypeMime = "application/x-chorus-step-type";

export interface CanvasProps {
  definition: WorkflowDefinition;
  positions: Positions;
  errors: Record<string, string[]>;
  selection: string[];
  /** Set to React Flow's instance once the graph is ready (see Editor). */
  flow: RefObject<ReactFlowInstance | null>;
  onSelect: (ids: string[]) => void;
  onMove: (positions: Positions) => void;
  onConnect: (source: string, handle: string | null, target: string) => void;
  onDelete: (steps: string[], routes: { source: string; field: string }[]) => void;
  onDropType: (type: string, position: { x: number; y: number }) => void;
}

/** The editable graph: nodes move and connect, Delete removes the selected steps or routes, step types dropped from
 * the palette are added. The graph itself mounts once the editor around it has been drawn, in a transition so that
 * its first render can yield to the browser: opening a large workflow then draws the editor in one frame and the
 * graph over the next ones, where doing both at once held the first frame back for over 100 ms. */
export function Canvas(props: CanvasProps) {
  const box = useRef<HTMLDivElement>(null);
  // The pane's size, read when the graph mounts: a large workflow's first view is computed from it.
  const [pane, setPane] = useState<PaneSize | null>(null);
  useEffect(() => afterPaint(() => {
    const element = box.current;
    prepareLabels();
    // A pane not laid out (a hidden tab) has no size yet: the window's stands in until React Flow measures it.
    if (element) startTransition(() => setPane({ width: element.clientWidth || window.innerWidth, height: element.clientHeight || window.innerHeight }));
  }), []);

  const onDrop = (event: DragEvent) => {
    const type = event.dataTransfer.getData(stepTypeMime);
    if (!type) return;
    event.preventDefault();
    const flow = props.flow.current;
    if (!flow) return;
    const p = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    props.onDropType(type, { x: p.x - 110, y: p.y - 36 });
  };

  return (
    <div ref={box} className="editor-canvas" data-testid="editor-canvas" aria-busy={!pane} onDragOver={(e) => {
      if (e.dataTransfer.types.includes(stepTypeMime)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; }
    }} onDrop={onDrop}>
      {pane && <Graph {...props} pane={pane} />}
    </div>
  );
}

/** React Flow on the definition's steps. Its nodes are derived from the definition; only a drag in progress lives
 * here until it ends. */
function Graph({ definition, positions, errors, selection, flow, onSelect, onMove, onConnect, onDelete, pane }: CanvasProps & { pane: PaneSize }) {
  const derived = useMemo(() => {
    const { nodes, edges } = toFlow(definition, positions);
    const chosen = new Set(selection);
    for (const node of nodes) {
      node.data = { ...node.data, errors: errors[node.id], editable: true };
      node.selected = chosen.has(node.id);
    }
    for (const edge of edges) if ((edge.data as { kind?: string })?.kind === "default") edge.sourceHandle = "default";
    return { nodes: [...groupBoxes(definition, positions), ...nodes] as Node[], edges };
  }, [definition, positions, errors, selection]);

  const [nodes, setNodes] = useState<Node[]>(derived.nodes);
  // The nodes the state last took from the definition: on mount they are already in it, and setting them again
  // would re-render the graph for nothing while it opens.
  const taken = useRef(derived.nodes);
  useEffect(() => {
    if (taken.current === derived.nodes) return;
    taken.current = derived.nodes;
    // Unchanged nodes stay the same objects (only changed ones re-render); changed ones keep what React Flow
    // measured (over the size a step is declared with), so they need not be measured again.
    setNodes((previous) => {
      const measured = new Map(previous.map((n) => [n.id, n.measured]));
      const next = reuseUnchanged(previous, derived.nodes).map((n) => {
        const size = measured.get(n.id) ?? n.measured;
        return size === n.measured ? n : { ...n, measured: size };
      });
      // Nothing changed: the same array, so React Flow does not adopt every node again.
      return next.length === previous.length && next.every((n, i) => n === previous[i]) ? previous : next;
    });
  }, [derived.nodes]);
  const [selectedEdges, setSelectedEdges] = useState<Set<string>>(new Set());
  const previousEdges = useRef<Edge[]>([]);
  const edges: Edge[] = useMemo(() => {
    const next = derived.edges.map((e) => ({ ...e, selected: selectedEdges.has(e.id), ariaLabel: `Route ${e.source} to ${e.target} (${(e.data as { field: string }).field})` }));
    return (previousEdges.current = reuseUnchanged(previousEdges.current, next));
  }, [derived.edges, selectedEdges]);

  const large = definition.steps.length >= renderOnlyVisibleFrom;
  const opening = useMemo(() => openingView(definition), [definition]);
  const keep = useMemo(() => new Set([...selection, ...(opening.nodes ?? []).map((n) => n.id)]), [selection, opening]);
  const near = useNodesNearView(nodes, edges, large, keep, pane);
  // Only the first render's matters: React Flow takes its default viewport when it mounts.
  const [firstView] = useState(() => (large ? openingViewport(definition, positions, pane) : undefined));
  const fitAll = () => void flow.current?.fitBounds(boundsOf(Object.values(positions)), { padding: 0.1 });

  const onNodesChange = (changes: NodeChange[]) => {
    const kept = changes.filter((c) => c.type !== "remove" && c.type !== "select");
    if (kept.length) setNodes((ns) => applyNodeChanges(kept, ns));
    // A drag ends, or the arrow keys moved the focused step: the definition takes the new positions.
    const moved: Positions = {};
    for (const c of changes) if (c.type === "position" && !c.dragging && c.position && positions[c.id] && !same(c.position, positions[c.id])) moved[c.id] = c.position;
    if (Object.keys(moved).length) onMove(moved);
    const selects = changes.filter((c) => c.type === "select");
    if (selects.length) {
      const next = new Set(selection);
      for (const c of selects) if (c.type === "select") (c.selected ? next.add(c.id) : next.delete(c.id));
      onSelect([...next].filter((id) => definition.steps.some((s) => s.id === id)));
    }
  };

  const onEdgesChange = (changes: EdgeChange[]) => {
    const selects = changes.filter((c) => c.type === "select");
    if (!selects.length) return;
    setSelectedEdges((current) => {
      const next = new Set(current);
      for (const c of selects) if (c.type === "select") (c.selected ? next.add(c.id) : next.delete(c.id));
      return next;
    });
  };

  return (
    <ReactFlow
      nodes={near.nodes}
      edges={near.edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onInit={(instance) => { flow.current = instance; }}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onNodeDragStop={(_, __, dragged) => {
        const moved: Positions = {};
        for (const n of dragged) if (n.type === "step" && !same(n.position, positions[n.id])) moved[n.id] = n.position;
        if (Object.keys(moved).length) onMove(moved);
      }}
      onConnect={(c: Connection) => onConnect(c.source, c.sourceHandle ?? null, c.target)}
      onDelete={({ nodes: gone, edges: cut }) => {
        onDelete(
          gone.filter((n) => n.type === "step").map((n) => n.id),
          cut.map((e) => ({ source: e.source, field: (e.data as { field: string }).field })),
        );
        setSelectedEdges(new Set());
      }}
      onPaneClick={() => { onSelect([]); setSelectedEdges(new Set()); }}
      deleteKeyCode={["Delete", "Backspace"]}
      multiSelectionKeyCode={["Shift", "Meta", "Control"]}
      onlyRenderVisibleElements={large}
      // A small workflow is fitted whole once drawn; a large one opens on its first steps, worked out above.
      fitView={!large}
      fitViewOptions={opening}
      defaultViewport={firstView}
      proOptions={{ hideAttribution: true }}
    >
      <ArrowMarker />
      <Background />
      {/* React Flow's own fit would frame only the nodes it was given. */}
      <Controls showFitView={!large}>
        {large && <ControlButton onClick={fitAll} title="Fit view" aria-label="Fit view" className="react-flow__controls-fitview">⤢</ControlButton>}
      </Controls>
      <StepMiniMap positions={positions} />
    </ReactFlow>
  );
}
