/** Runs `work` once the browser has drawn the next frame, and returns a function that cancels it. A page that opens
 * with a heavy part (the editor's graph) renders its light parts first and the heavy one after, so that no single
 * task holds the first frame back: a requestAnimationFrame callback runs just before a frame is drawn, and a task
 * queued from it runs once that frame is out. */
export function afterPaint(work: () => void): () => void {
  let timer = 0;
  const frame = requestAnimationFrame(() => { timer = window.setTimeout(work); });
  return () => {
    cancelAnimationFrame(frame);
    window.clearTimeout(timer);
  };
}
