import { useId, useState } from "react";

/** The part of JSON Schema the forms understand; anything else is edited as JSON. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  items?: JsonSchema;
  [keyword: string]: unknown;
}

type Json = unknown;

export interface SchemaFormProps {
  schema: JsonSchema | null | undefined;
  value: Json;
  onChange: (value: Json) => void;
  /** Field path (e.g. "config.url" or "user_id") → message, shown under the field. */
  errors?: Record<string, string>;
  /** Prefix of the field paths in errors and in the inputs' names. */
  path?: string;
}

const typeOf = (schema: JsonSchema): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;

/** A form generated from a JSON Schema: an object's properties become labelled fields (text, number, checkbox,
 * select for an enum), nested objects become fieldsets, and what has no simple input (arrays, free objects, unions)
 * gets a JSON box. Empty optional fields are left out of the value instead of being sent as "". */
export function SchemaForm({ schema, value, onChange, errors = {}, path = "" }: SchemaFormProps) {
  if (!schema || typeOf(schema) !== "object" || !schema.properties)
    return <JsonField label="Value (JSON)" value={value} onChange={onChange} error={errors[path]} name={path || "value"} />;
  const object = (value && typeof value === "object" && !Array.isArray(value) ? value : {}) as Record<string, Json>;
  const set = (key: string, next: Json) => {
    const copy = { ...object };
    if (next === undefined) delete copy[key];
    else copy[key] = next;
    onChange(copy);
  };
  return (
    <div className="schema-form">
      {Object.entries(schema.properties).map(([key, property]) => {
        const fieldPath = path ? `${path}.${key}` : key;
        return (
          <Field
            key={key}
            name={fieldPath}
            label={property.title ?? key}
            required={schema.required?.includes(key) ?? false}
            schema={property}
            value={object[key]}
            onChange={(next) => set(key, next)}
            errors={errors}
          />
        );
      })}
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  required: boolean;
  schema: JsonSchema;
  value: Json;
  onChange: (value: Json) => void;
  errors: Record<string, string>;
}

function Field({ name, label, required, schema, value, onChange, errors }: FieldProps) {
  const id = useId();
  const error = errors[name];
  const type = typeOf(schema);
  const described = error ? `${id}-error` : schema.description ? `${id}-help` : undefined;
  const caption = (
    <label htmlFor={id}>
      {label}
      {required && <span aria-hidden="true"> *</span>}
    </label>
  );
  const help = (
    <>
      {schema.description && !error && <small id={`${id}-help`} className="muted">{schema.description}</small>}
      {error && <small id={`${id}-error`} className="error field-error">{error}</small>}
    </>
  );
  const common = { id, name, "aria-invalid": !!error, "aria-describedby": described, required };

  if (schema.enum)
    return (
      <div className="field">
        {caption}
        <select {...common} value={value === undefined ? "" : JSON.stringify(value)}
          onChange={(e) => onChange(e.target.value === "" ? undefined : JSON.parse(e.target.value))}>
          <option value="">—</option>
          {schema.enum.map((option) => (
            <option key={JSON.stringify(option)} value={JSON.stringify(option)}>{String(option)}</option>
          ))}
        </select>
        {help}
      </div>
    );
  if (type === "boolean")
    return (
      <div className="field field-check">
        <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        {caption}
        {help}
      </div>
    );
  if (type === "string" || type === "number" || type === "integer")
    return (
      <div className="field">
        {caption}
        <input
          {...common}
          type={type === "string" ? "text" : "number"}
          step={type === "integer" ? 1 : "any"}
          value={value === undefined || value === null ? "" : String(value)}
          onChange={(e) => {
            const text = e.target.value;
            if (text === "") onChange(undefined);
            else if (type === "string") onChange(text);
            else onChange(Number.isNaN(Number(text)) ? text : Number(text));
          }}
        />
        {help}
      </div>
    );
  if (type === "object" && schema.properties)
    return (
      <fieldset className="field">
        <legend>{label}</legend>
        <SchemaForm schema={schema} value={value} onChange={onChange} errors={errors} path={name} />
        {help}
      </fieldset>
    );
  return <JsonField label={label} value={value} onChange={onChange} error={error} name={name} help={schema.description} />;
}

/** A JSON text box that hands over a value only when the text parses; until then it shows why it does not. */
export function JsonField({ label, value, onChange, error, name, help }: {
  label: string; value: Json; onChange: (value: Json) => void; error?: string; name: string; help?: string;
}) {
  const id = useId();
  const [text, setText] = useState(() => (value === undefined ? "" : JSON.stringify(value, null, 2)));
  const [parseError, setParseError] = useState<string | null>(null);
  const shown = parseError ?? error;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        name={name}
        className="json-input"
        rows={Math.min(12, Math.max(3, text.split("\n").length))}
        value={text}
        aria-invalid={!!shown}
        aria-describedby={shown ? `${id}-error` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === "") {
            setParseError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setParseError(null);
          } catch (err) {
            setParseError(`Not valid JSON: ${(err as Error).message}`);
          }
        }}
      />
      {help && !shown && <small className="muted">{help}</small>}
      {shown && <small id={`${id}-error`} className="error field-error">{shown}</small>}
    </div>
  );
}
