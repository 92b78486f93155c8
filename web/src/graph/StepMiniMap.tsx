import { Panel, useReactFlow, useStore } from "@xyflow/react";
import { useMemo, useRef, type PointerEvent } from "react";
import { nodeHeight, nodeWidth, type Positions } from "./layout";

const mapWidth = 200;
const mapHeight = 150;

/** The mini-map: every step as a rectangle and the part in view, in one SVG; a click or a drag on it moves the view
 * there. React Flow's own MiniMap keeps a store subscription per node, which on a 300-step graph costs more than
 * the graph itself at every change; this one follows the viewport alone. */
export function StepMiniMap({ positions }: { positions: Positions }) {
  const transform = useStore((s) => s.transform);
  const paneWidth = useStore((s) => s.width);
  const paneHeight = useStore((s) => s.height);
  const flow = useReactFlow();
  const svg = useRef<SVGSVGElement>(null);

  const { steps, bounds } = useMemo(() => {
    let d = "";
    const b = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
    for (const { x, y } of Object.values(positions)) {
      d += `M${x} ${y}h${nodeWidth}v${nodeHeight}h${-nodeWidth}z`;
      b.x1 = Math.min(b.x1, x); b.y1 = Math.min(b.y1, y);
      b.x2 = Math.max(b.x2, x + nodeWidth); b.y2 = Math.max(b.y2, y + nodeHeight);
    }
    return { steps: d, bounds: b };
  }, [positions]);

  const [tx, ty, zoom] = transform;
  const view = { x: -tx / zoom, y: -ty / zoom, width: paneWidth / zoom, height: paneHeight / zoom };
  const x1 = Math.min(bounds.x1, view.x), y1 = Math.min(bounds.y1, view.y);
  const x2 = Math.max(bounds.x2, view.x + view.width), y2 = Math.max(bounds.y2, view.y + view.height);
  const pad = Math.max(x2 - x1, y2 - y1) * 0.05;
  const box = `${x1 - pad} ${y1 - pad} ${x2 - x1 + 2 * pad} ${y2 - y1 + 2 * pad}`;

  const moveTo = (event: PointerEvent<SVGSVGElement>) => {
    const matrix = svg.current?.getScreenCTM();
    if (!matrix) return;
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    void flow.setCenter(at.x, at.y, { zoom });
  };

  if (!Number.isFinite(x1)) return null;
  return (
    <Panel position="bottom-right" className="react-flow__minimap step-minimap">
      <svg
        ref={svg} width={mapWidth} height={mapHeight} viewBox={box} role="img" aria-label="Mini map"
        onPointerDown={(e) => { e.currentTarget.setPointerCapture(e.pointerId); moveTo(e); }}
        onPointerMove={(e) => { if (e.buttons === 1) moveTo(e); }}
      >
        <path d={steps} className="step-minimap-steps" />
        <path
          d={`M${x1 - 2 * pad} ${y1 - 2 * pad}h${x2 - x1 + 4 * pad}v${y2 - y1 + 4 * pad}h${-(x2 - x1 + 4 * pad)}z M${view.x} ${view.y}v${view.height}h${view.width}v${-view.height}z`}
          fillRule="evenodd" className="step-minimap-mask"
        />
      </svg>
    </Panel>
  );
}
