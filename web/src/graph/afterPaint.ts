/** Runs `work` once the browser has drawn the next frame and begun the one after, and returns a function that
 * cancels it. A page that opens with a heavy part (the editor's graph) renders its light parts first and the heavy
 * one in steps, so that no single task holds a frame back. A requestAnimationFrame callback runs just before a frame
 * is drawn: the frame that first draws a step's new elements does their style, layout, paint and React Flow's
 * measuring after it, as long as the render before it on a large graph; the next step waits for the following
 * frame, so that it does not add itself to that work between the same two frames. */
export function afterPaint(work: () => void): () => void {
  let frame = 0, timer = 0;
  frame = requestAnimationFrame(() => {
    frame = requestAnimationFrame(() => { timer = window.setTimeout(work); });
  });
  return () => {
    cancelAnimationFrame(frame);
    window.clearTimeout(timer);
  };
}
