import type { WorkflowDefinition } from "./definition";
import { layoutSteps } from "./layout";

/** Lays out large definitions off the page's thread: dagre takes a few hundred milliseconds for 300 steps. */
self.onmessage = (event: MessageEvent<{ id: number; definition: WorkflowDefinition }>) => {
  postMessage({ id: event.data.id, positions: layoutSteps(event.data.definition) });
};
