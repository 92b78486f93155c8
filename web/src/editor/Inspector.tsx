import { useId, useState } from "react";
import type { AvailableStep } from "../api/editor";
import { JsonField, SchemaForm, type JsonSchema } from "../components/SchemaForm";
import type { StepDefinition } from "../graph/definition";
import { RouteFields } from "./RouteFields";

/** A condition's branches and default are edited under Routes, not as config JSON. */
function configSchema(step: StepDefinition, type: AvailableStep | undefined): JsonSchema | undefined {
  const schema = type?.config_schema ?? undefined;
  if (step.type !== "condition" || !schema?.properties) return schema;
  const { conditions: _, default: __, ...properties } = schema.properties;
  return { ...schema, properties };
}

const idPattern = /^[A-Za-z0-9_-]{1,100}$/;

interface Props {
  step: StepDefinition;
  stepIds: string[];
  types: AvailableStep[];
  errors: Record<string, string>;
  warnings: string[];
  /** Changes with undo and redo, so the JSON boxes start over from the definition. */
  revision: number;
  /** The changed step; a changed id renames the step and every route to it. */
  onChange: (step: StepDefinition) => void;
}

/** The selected step: its fields, its config as a form from the type's JSON Schema, its routes, or all of it as JSON. */
export function Inspector({ step, stepIds, types, errors, warnings, revision, onChange }: Props) {
  const [tab, setTab] = useState<"form" | "json">("form");
  const type = types.find((t) => t.type === step.type);
  const set = (key: string, value: unknown) => {
    const copy = { ...step };
    if (value === undefined || value === "") delete copy[key];
    else copy[key] = value;
    onChange(copy);
  };
  return (
    <aside className="editor-inspector" aria-label={`Step ${step.id}`}>
      <h2>Step <code>{step.id}</code></h2>
      <div role="tablist" aria-label="Step views" className="inspector-tabs">
        <button type="button" role="tab" aria-selected={tab === "form"} onClick={() => setTab("form")}>Form</button>
        <button type="button" role="tab" aria-selected={tab === "json"} onClick={() => setTab("json")}>Raw JSON</button>
      </div>
      {warnings.map((w) => <p key={w} className="muted warning">{w}</p>)}
      {tab === "json" ? (
        <JsonField key={`${step.id}:${revision}`} label="Step (JSON)" name="step-json" value={step}
          onChange={(value) => {
            if (!value || typeof value !== "object" || Array.isArray(value)) return;
            const next = value as StepDefinition;
            onChange({ ...next, id: typeof next.id === "string" && idPattern.test(next.id) ? next.id : step.id });
          }} />
      ) : (
        <div key={`${step.id}:${revision}`}>
          <IdField id={step.id} taken={stepIds} error={errors.id} onRename={(to) => onChange({ ...step, id: to })} />
          <TextField label="Name" name="name" value={step.name} error={errors.name} onChange={(v) => set("name", v)} />
          <TypeField value={step.type} types={types} error={errors.type} onChange={(v) => set("type", v)} />
          <TextField label="Description" name="description" value={step.description} error={errors.description} onChange={(v) => set("description", v)} />
          {type?.description && <p className="muted">{type.description}</p>}
          <fieldset className="config-fields">
            <legend>Config</legend>
            <SchemaForm schema={configSchema(step, type)} value={step.config} path="config" errors={errors}
              onChange={(config) => set("config", config ?? undefined)} />
            {errors.config && <small className="error field-error">{errors.config}</small>}
          </fieldset>
          <RouteFields step={step} targets={stepIds} errors={errors} onChange={onChange} />
        </div>
      )}
    </aside>
  );
}

function TextField({ label, name, value, error, onChange }: {
  label: string; name: string; value: unknown; error?: string; onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type="text" value={typeof value === "string" ? value : ""} aria-invalid={!!error}
        aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value)} />
      {error && <small id={`${id}-error`} className="error field-error">{error}</small>}
    </div>
  );
}

function TypeField({ value, types, error, onChange }: { value: string; types: AvailableStep[]; error?: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Type</label>
      <select id={id} name="type" value={value} aria-invalid={!!error} onChange={(e) => onChange(e.target.value)}>
        {!types.some((t) => t.type === value) && <option value={value}>{value}</option>}
        {types.map((t) => <option key={t.type} value={t.type}>{t.name}</option>)}
      </select>
      {error && <small className="error field-error">{error}</small>}
    </div>
  );
}

/** The id is renamed (with every route to it) when the field is left or Enter is pressed, if it is free and valid. */
function IdField({ id, taken, error, onRename }: { id: string; taken: string[]; error?: string; onRename: (to: string) => void }) {
  const inputId = useId();
  const [text, setText] = useState(id);
  const problem = text === id ? error
    : !idPattern.test(text) ? "Letters, digits, '_' or '-' (1-100)."
    : taken.includes(text) ? "Another step has this id." : undefined;
  const commit = () => { if (text !== id && !problem) onRename(text); };
  return (
    <div className="field">
      <label htmlFor={inputId}>Id</label>
      <input id={inputId} name="id" type="text" value={text} aria-invalid={!!problem} aria-describedby={problem ? `${inputId}-error` : undefined}
        onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => { if (e.key === "Enter") commit(); }} />
      {problem && <small id={`${inputId}-error`} className="error field-error">{problem}</small>}
    </div>
  );
}
