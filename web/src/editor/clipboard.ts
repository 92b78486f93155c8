import type { StepDefinition } from "../graph/definition";

/** The steps last copied in the editor, kept for this tab (pasting works across workflows too). */
let copied: StepDefinition[] = [];

export function copySteps(steps: StepDefinition[]): void {
  copied = structuredClone(steps);
}

export function copiedSteps(): StepDefinition[] {
  return structuredClone(copied);
}
