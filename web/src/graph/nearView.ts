import { useStore, type Edge, type Node, type ReactFlowState } from "@xyflow/react";
import { useMemo } from "react";
import { nodeHeight, nodeWidth } from "./layout";

/** A large graph gives React Flow only the nodes near the view: its own culling (onlyRenderVisibleElements) still
 * keeps every node in its store and walks all of them at each change, which on a 300-step workflow makes the first
 * draw one long task. Near the view means within one view's size of it, plus the ends of every route leaving that
 * area (so the route is drawn) and the nodes in `keep` (the selection, which Delete and drags act on). */
export function useNodesNearView<N extends Node, E extends Edge>(nodes: N[], edges: E[], enabled: boolean, keep: ReadonlySet<string>) {
  const area = useStore((s) => (enabled ? areaKey(s) : ""));
  return useMemo(() => {
    if (!enabled) return { nodes, edges };
    const [x1, y1, x2, y2] = area.split(" ").map(Number);
    const inArea = (n: Node) => {
      const width = (n.style?.width as number | undefined) ?? nodeWidth, height = (n.style?.height as number | undefined) ?? nodeHeight;
      return n.position.x + width >= x1 && n.position.x <= x2 && n.position.y + height >= y1 && n.position.y <= y2;
    };
    const near = new Set(keep);
    for (const n of nodes) if (inArea(n)) near.add(n.id);
    const shown = new Set(near);
    for (const e of edges) {
      if (near.has(e.source)) shown.add(e.target);
      if (near.has(e.target)) shown.add(e.source);
    }
    return { nodes: nodes.filter((n) => shown.has(n.id)), edges: edges.filter((e) => shown.has(e.source) && shown.has(e.target)) };
  }, [nodes, edges, enabled, area, keep]);
}

/** The area around the view, "x1 y1 x2 y2" in the graph's coordinates. It moves in steps of half a view and its
 * zoom in quarter octaves, so that panning and zooming change it, and React Flow's nodes, only now and then. */
function areaKey(s: ReactFlowState): string {
  const [tx, ty, zoom] = s.transform;
  const octave = Math.round(Math.log2(zoom) * 4) / 4;
  const scale = 2 ** octave;
  // Before React Flow has measured its pane, a window's size stands in.
  const width = (s.width || 1280) / scale, height = (s.height || 800) / scale;
  const left = Math.floor(-tx / zoom / (width / 2)) * (width / 2), top = Math.floor(-ty / zoom / (height / 2)) * (height / 2);
  return `${left - width} ${top - height} ${left + 2 * width} ${top + 2 * height}`;
}
