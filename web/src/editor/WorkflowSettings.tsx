import { useId } from "react";
import { JsonField } from "../components/SchemaForm";
import type { WorkflowDefinition } from "../graph/definition";

/** The workflow's own fields, shown when no step is selected. */
export function WorkflowSettings({ definition, errors, revision, onChange }: {
  definition: WorkflowDefinition; errors: Record<string, string>; revision: number; onChange: (d: WorkflowDefinition) => void;
}) {
  const nameId = useId();
  const descriptionId = useId();
  const set = (key: string, value: unknown) => {
    const copy = { ...definition };
    if (value === undefined || (value === "" && key !== "name")) delete copy[key];
    else copy[key] = value;
    onChange(copy);
  };
  return (
    <aside className="editor-inspector" aria-label="Workflow settings">
      <h2>Workflow</h2>
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} name="workflow-name" type="text" value={definition.name ?? ""} aria-invalid={!!errors.name}
          onChange={(e) => set("name", e.target.value)} />
        {errors.name && <small className="error field-error">{errors.name}</small>}
      </div>
      <div className="field">
        <label htmlFor={descriptionId}>Description</label>
        <textarea id={descriptionId} name="workflow-description" rows={3} value={typeof definition.description === "string" ? definition.description : ""}
          onChange={(e) => set("description", e.target.value)} />
      </div>
      <JsonField key={`input_schema:${revision}`} label="Input schema (JSON)" name="input_schema" value={definition.input_schema}
        error={errors.input_schema} onChange={(v) => set("input_schema", v)} />
      <p className="muted">Select a step to edit it; select none to come back here.</p>
    </aside>
  );
}
