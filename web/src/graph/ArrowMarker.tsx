/** The arrowhead every route ends with, defined once. React Flow would otherwise derive a marker from each edge's
 * own marker object, which on a 300-step graph is a noticeable part of the first draw. */
export const arrowMarkerId = "chorus-route-arrow";

export function ArrowMarker() {
  return (
    <svg className="route-arrow-defs" aria-hidden="true" width="0" height="0">
      <defs>
        <marker id={arrowMarkerId} markerWidth="12.5" markerHeight="12.5" viewBox="-10 -10 20 20" markerUnits="strokeWidth"
          orient="auto-start-reverse" refX="0" refY="0">
          <polyline points="-5,-4 0,0 -5,4 -5,-4" fill="#b1b1b7" stroke="#b1b1b7" strokeLinecap="round" strokeLinejoin="round" strokeWidth="1" />
        </marker>
      </defs>
    </svg>
  );
}
