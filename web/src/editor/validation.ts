import { useEffect, useState } from "react";
import { validateDefinition, validateStep, type ValidationError } from "../api/editor";
import type { StepDefinition, WorkflowDefinition } from "../graph/definition";

export interface Validation {
  /** Problems of the whole definition (POST /api/workflows/validate). */
  errors: ValidationError[];
  /** Problems of the selected step in its context (POST /api/workflows/validate-step). */
  stepErrors: ValidationError[];
  warnings: ValidationError[];
  checking: boolean;
  /** The validators could not be asked (network, session). */
  failure?: string;
}

const delay = 400;

/** Checks the definition and the selected step on the server, 400 ms after the last change. */
export function useValidation(definition: WorkflowDefinition | null, selected: StepDefinition | null): Validation {
  // A definition is checked as soon as it is there: starting as "checking" spares the editor a second render while
  // it opens (the same state is no change).
  const [state, setState] = useState<Validation>({ errors: [], stepErrors: [], warnings: [], checking: definition !== null });
  useEffect(() => {
    if (!definition) return;
    const abort = new AbortController();
    setState((s) => (s.checking ? s : { ...s, checking: true }));
    const timer = window.setTimeout(async () => {
      try {
        const ids = definition.steps.map((s) => s.id);
        const [whole, step] = await Promise.all([
          validateDefinition(definition, abort.signal),
          selected ? validateStep(selected, ids, abort.signal) : Promise.resolve(null),
        ]);
        setState({
          errors: whole.errors ?? [],
          stepErrors: (step?.errors ?? []).map((e) => ({ ...e, step_id: selected?.id })),
          warnings: step?.warnings ?? [],
          checking: false,
        });
      } catch (err) {
        if (!abort.signal.aborted) setState((s) => ({ ...s, checking: false, failure: (err as Error).message }));
      }
    }, delay);
    return () => {
      abort.abort();
      window.clearTimeout(timer);
    };
  }, [definition, selected]);
  return state;
}

/** Step id → its messages, for the nodes. */
export function errorsByStep(validation: Validation): Record<string, string[]> {
  const byStep: Record<string, string[]> = {};
  for (const e of [...validation.errors, ...validation.stepErrors]) {
    if (!e.step_id) continue;
    const list = (byStep[e.step_id] ??= []);
    const text = e.field ? `${e.field}: ${e.message}` : e.message;
    if (!list.includes(text)) list.push(text);
  }
  return byStep;
}

/** Field path → message for one step (or for the workflow's own fields when stepId is null). */
export function errorsByField(validation: Validation, stepId: string | null): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const e of [...validation.stepErrors, ...validation.errors]) {
    if ((e.step_id ?? null) !== stepId || !e.field) continue;
    fields[e.field] ??= e.message;
  }
  return fields;
}
