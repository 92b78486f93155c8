import { BaseEdge, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";

/** The font React Flow's stylesheet gives a route's label (.react-flow__edge-text: 10px of the page's font). */
const labelFont = `10px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
const padding = { x: 2, y: 4 };

const sizes = new Map<string, { width: number; height: number }>();
let canvas: CanvasRenderingContext2D | null | undefined;

/** A label's size, measured on a canvas once per text: React Flow's own label measures its text in the page
 * (getBBox) after it is drawn, which forces a layout of the page and a second render of each labelled route, in the
 * same task that first draws a large graph. */
function labelSize(text: string) {
  let size = sizes.get(text);
  if (!size) {
    canvas ??= document.createElement("canvas").getContext("2d");
    if (canvas) {
      canvas.font = labelFont;
      const m = canvas.measureText(text);
      size = { width: m.width, height: m.fontBoundingBoxAscent + m.fontBoundingBoxDescent };
    } else size = { width: text.length * 5.5, height: 12 };
    sizes.set(text, size);
  }
  return size;
}

/** Sets the canvas up for labels (its first measure, which finds the font, takes a few milliseconds): called while
 * the graph's pane opens, before the first routes are drawn. */
export function prepareLabels() {
  labelSize("if true");
}

/** A route: React Flow's default curve, with its label drawn as React Flow's EdgeText draws it once measured. */
export const RouteEdge = memo(function RouteEdge({
  sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, label, style, markerEnd, markerStart, interactionWidth,
}: EdgeProps) {
  const [path, x, y] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const text = typeof label === "string" || typeof label === "number" ? String(label) : "";
  const size = text ? labelSize(text) : null;
  return (
    <>
      <BaseEdge path={path} style={style} markerEnd={markerEnd} markerStart={markerStart} interactionWidth={interactionWidth} />
      {size && (
        <g transform={`translate(${x - size.width / 2} ${y - size.height / 2})`} className="react-flow__edge-textwrapper">
          <rect width={size.width + 2 * padding.x} x={-padding.x} y={-padding.y} height={size.height + 2 * padding.y}
            className="react-flow__edge-textbg" rx={2} ry={2} />
          <text className="react-flow__edge-text" y={size.height / 2} dy="0.3em">{text}</text>
        </g>
      )}
    </>
  );
});
