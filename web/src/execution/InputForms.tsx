import { useId, useState } from "react";
import { ApiError } from "../api/client";
import { sendEvent, submitInput, type Execution } from "../api/executions";
import { JsonField, SchemaForm, type JsonSchema } from "../components/SchemaForm";
import type { WorkflowDefinition } from "../graph/definition";
import { fieldErrors, inputSchemaOf, isTerminal } from "./stepStates";

/** For each step waiting for a person: a form from its schema, submitted as the step's input. */
export function ManualInputForms({ execution, definition, onDone }: {
  execution: Execution; definition: WorkflowDefinition; onDone: () => void;
}) {
  const waiting = (execution.waiting_for ?? []).filter((w) => w.kind === "manual_input");
  if (execution.status === "paused" || waiting.length === 0) return null;
  return (
    <>
      {waiting.map((w) => {
        const step = definition.steps.find((s) => s.id === w.step_id);
        return <ManualInputForm key={w.step_id} executionId={execution.id} stepId={w.step_id} title={step?.name ?? w.step_id}
          prompt={typeof step?.config?.prompt === "string" ? step.config.prompt : undefined}
          schema={inputSchemaOf(step) as JsonSchema | null} onDone={onDone} />;
      })}
    </>
  );
}

function ManualInputForm({ executionId, stepId, title, prompt, schema, onDone }: {
  executionId: string; stepId: string; title: string; prompt?: string; schema: JsonSchema | null; onDone: () => void;
}) {
  const [value, setValue] = useState<unknown>(schema ? {} : undefined);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  return (
    <form className="input-form" aria-labelledby={headingId} data-testid="manual-input"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        setErrors({});
        try {
          await submitInput(executionId, stepId, value);
          onDone();
        } catch (err) {
          if (err instanceof ApiError) {
            setError(err.message);
            setErrors(fieldErrors(err.details));
          } else setError("The server cannot be reached.");
        } finally {
          setBusy(false);
        }
      }}>
      <h2 id={headingId}>Input for {title}</h2>
      {prompt && <p>{prompt}</p>}
      <SchemaForm schema={schema ?? undefined} value={value} onChange={setValue} errors={errors} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" className="primary" disabled={busy}>Submit input</button>
    </form>
  );
}

/** Sends a named event, with a JSON payload, to the execution (to the step waiting for it, or kept until one does). */
export function EventForm({ execution, onDone }: { execution: Execution; onDone: () => void }) {
  const waitingFor = (execution.waiting_for ?? []).find((w) => w.kind === "event")?.name ?? "";
  const [name, setName] = useState("");
  const [data, setData] = useState<unknown>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const nameId = useId();
  const disabled = isTerminal(execution.status);
  return (
    <form className="event-form" aria-label="Send an event"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        setSent(null);
        const eventName = name.trim() || waitingFor;
        try {
          await sendEvent(execution.id, eventName, data ?? null);
          setSent(`Event '${eventName}' sent.`);
          onDone();
        } catch (err) {
          setError(err instanceof ApiError ? err.message : "The server cannot be reached.");
        }
      }}>
      <h2>Send an event</h2>
      <div className="field">
        <label htmlFor={nameId}>Event name</label>
        <input id={nameId} value={name} placeholder={waitingFor} onChange={(e) => setName(e.target.value)} disabled={disabled} />
      </div>
      <JsonField label="Payload (JSON)" name="event-payload" value={data} onChange={setData} />
      {error && <p className="error" role="alert">{error}</p>}
      {sent && <p className="notice" role="status">{sent}</p>}
      <button type="submit" disabled={disabled || (!name.trim() && !waitingFor)}>Send event</button>
    </form>
  );
}
