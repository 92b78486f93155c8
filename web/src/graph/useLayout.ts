import { useEffect, useMemo, useState } from "react";
import type { WorkflowDefinition } from "./definition";
import { hasPosition, layoutSteps, type Positions } from "./layout";

/** From this many steps without a saved position the layout runs in a worker, so that the page keeps drawing:
 * below it, the layout takes a few milliseconds and the graph is drawn at once. */
const workerFrom = 60;

let worker: Worker | null = null;
let nextId = 0;
const waiting = new Map<number, { definition: WorkflowDefinition; done: (positions: Positions) => void }>();

function layoutInWorker(definition: WorkflowDefinition): Promise<Positions> {
  if (typeof Worker === "undefined") return Promise.resolve(layoutSteps(definition));
  if (!worker) {
    worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<{ id: number; positions: Positions }>) => {
      waiting.get(event.data.id)?.done(event.data.positions);
      waiting.delete(event.data.id);
    };
    // A worker that cannot start (a strict policy, an old browser) must not leave the graph blank: lay out here.
    worker.onerror = () => {
      worker = null;
      for (const job of waiting.values()) job.done(layoutSteps(job.definition));
      waiting.clear();
    };
  }
  const id = nextId++;
  const promise = new Promise<Positions>((done) => waiting.set(id, { definition, done }));
  worker.postMessage({ id, definition });
  return promise;
}

/** Where each step of a definition is drawn (see layoutSteps), in a worker for large definitions. */
export function layoutStepsAsync(definition: WorkflowDefinition): Promise<Positions> {
  const unplaced = definition.steps.filter((s) => !hasPosition(s)).length;
  return unplaced < workerFrom ? Promise.resolve(layoutSteps(definition)) : layoutInWorker(definition);
}

/** The positions of a definition's steps; null while a large one is laid out for the first time. When the definition
 * changes, the previous positions stay on screen until the new ones are ready. */
export function useLayout(definition: WorkflowDefinition): Positions | null {
  const unplaced = definition.steps.filter((s) => !hasPosition(s)).length;
  const small = useMemo(() => (unplaced < workerFrom ? layoutSteps(definition) : null), [definition, unplaced]);
  const [large, setLarge] = useState<Positions | null>(null);
  useEffect(() => {
    if (small) return;
    let live = true;
    void layoutInWorker(definition).then((positions) => { if (live) setLarge(positions); });
    return () => { live = false; };
  }, [definition, small]);
  return small ?? large;
}
