import { useStore, type Edge, type Node, type ReactFlowState } from "@xyflow/react";
import { startTransition, useEffect, useMemo, useState } from "react";
import { afterPaint } from "./afterPaint";
import { nodeHeight, nodeWidth } from "./layout";

/** The pane's size in pixels. */
export interface PaneSize { width: number; height: number }

/** A large graph gives React Flow only the nodes near the view: its own culling (onlyRenderVisibleElements) still
 * keeps every node in its store and walks all of them at each change, which on a 300-step graph makes the first
 * draw one long task. Near the view means within one view's size of it, plus the ends of every route leaving that
 * area (so the route is drawn) and the nodes in `keep` (the selection, which Delete and drags act on).
 * A graph that opens hands them over in steps, each after the browser has drawn a frame: none (React Flow sets up its
 * pane alone), then the nodes in the top half of the view (without the ends of their routes), then the rest of the view, then the margin; done at once,
 * they made one task of over 100 ms while the editor opened, and the whole view at once one of 20-30 ms of CPU (with
 * the next frame, where React Flow measures the new nodes, as long again).
 * `pane` stands in for React Flow's own measure of its pane until it has one, so that the area does not move when
 * that measure arrives. */
export function useNodesNearView<N extends Node, E extends Edge>(nodes: N[], edges: E[], enabled: boolean, keep: ReadonlySet<string>, pane: PaneSize) {
  const [stage, setStage] = useState<Stage>("none");
  useEffect(() => {
    if (!enabled || stage === "margin") return;
    // In a transition: the canvas's render that picks the nodes can yield, and React Flow takes them in a task of its own.
    return afterPaint(() => startTransition(() => setStage(stages[stages.indexOf(stage) + 1])));
  }, [enabled, stage]);
  const area = useStore((s) => (enabled && stage !== "none" ? areaKey(s, pane, stage) : ""));
  return useMemo(() => {
    if (!enabled) return { nodes, edges };
    if (!area) return nothing;
    const [x1, y1, x2, y2] = area.split(" ").map(Number);
    const inArea = (n: Node) => {
      const width = (n.style?.width as number | undefined) ?? nodeWidth, height = (n.style?.height as number | undefined) ?? nodeHeight;
      return n.position.x + width >= x1 && n.position.x <= x2 && n.position.y + height >= y1 && n.position.y <= y2;
    };
    const near = new Set(keep);
    for (const n of nodes) if (inArea(n)) near.add(n.id);
    const shown = new Set(near);
    // The first half of the view comes alone: the ends of its routes lie mostly in the other half.
    if (stage !== "top")
      for (const e of edges) {
        if (near.has(e.source)) shown.add(e.target);
        if (near.has(e.target)) shown.add(e.source);
      }
    return { nodes: nodes.filter((n) => shown.has(n.id)), edges: edges.filter((e) => shown.has(e.source) && shown.has(e.target)) };
  }, [nodes, edges, enabled, area, keep, stage]);
}

const nothing = { nodes: [], edges: [] };

const stages = ["none", "top", "view", "margin"] as const;
type Stage = (typeof stages)[number];

/** The area around the view, "x1 y1 x2 y2" in the graph's coordinates. It moves in steps of half a view and its
 * zoom in quarter octaves, so that panning and zooming change it, and React Flow's nodes, only now and then.
 * Before the margin it is the view itself, or its top half. */
function areaKey(s: ReactFlowState, pane: PaneSize, stage: Exclude<Stage, "none">): string {
  const [tx, ty, zoom] = s.transform;
  if (stage !== "margin") {
    const x = -tx / zoom, y = -ty / zoom, height = (s.height || pane.height) / zoom;
    return `${x} ${y} ${x + (s.width || pane.width) / zoom} ${y + (stage === "top" ? height / 2 : height)}`;
  }
  const octave = Math.round(Math.log2(zoom) * 4) / 4;
  const scale = 2 ** octave;
  const width = (s.width || pane.width) / scale, height = (s.height || pane.height) / scale;
  const left = Math.floor(-tx / zoom / (width / 2)) * (width / 2), top = Math.floor(-ty / zoom / (height / 2)) * (height / 2);
  return `${left - width} ${top - height} ${left + 2 * width} ${top + 2 * height}`;
}
