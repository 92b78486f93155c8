import { useId } from "react";
import { expressionConditions, type StepDefinition } from "../graph/definition";

interface Props {
  step: StepDefinition;
  targets: string[];
  errors: Record<string, string>;
  onChange: (step: StepDefinition) => void;
}

/** A select of step ids; the empty choice removes the route. */
function TargetSelect({ label, value, targets, error, onChange, name }: {
  label: string; value: unknown; targets: string[]; error?: string; onChange: (target: string | undefined) => void; name: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={typeof value === "string" ? value : ""} aria-invalid={!!error}
        aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">— none —</option>
        {typeof value === "string" && !targets.includes(value) && <option value={value}>{value} (missing)</option>}
        {targets.map((t) => <option key={t} value={t}>{t}</option>)}
      </select>
      {error && <small id={`${id}-error`} className="error field-error">{error}</small>}
    </div>
  );
}

const without = (step: StepDefinition, key: string): StepDefinition => {
  const copy = { ...step };
  delete copy[key];
  return copy;
};

/** The routes of a step as fields: the keyboard way to connect steps. */
export function RouteFields({ step, targets, errors, onChange }: Props) {
  const others = targets.filter((t) => t !== step.id);
  const setTop = (key: string, target: string | undefined) => onChange(target ? { ...step, [key]: target } : without(step, key));
  const conditions = expressionConditions(step);
  const structured = step.type === "condition" && !conditions && (step.config?.field !== undefined || Array.isArray(step.conditions));
  const branchList = step.type === "parallel" || structured || (step.next_steps?.length ?? 0) > 0;
  const setBranches = (list: (string | undefined)[]) => {
    const kept = list.filter((t): t is string => !!t);
    onChange(kept.length ? { ...step, next_steps: kept } : without(step, "next_steps"));
  };
  const setConfig = (config: Record<string, unknown>) => onChange({ ...step, config });
  const branches = step.next_steps ?? [];
  return (
    <fieldset className="route-fields">
      <legend>Routes</legend>
      {(step.type !== "condition" && step.type !== "parallel" || step.next !== undefined) && (
        <TargetSelect label="Next step" name="next" value={step.next} targets={others} error={errors.next} onChange={(t) => setTop("next", t)} />
      )}
      {branchList && (
        <div className="route-list">
          {branches.map((target, i) => (
            <TargetSelect key={i} name={`next_steps[${i}]`} value={target} targets={others} error={errors[`next_steps[${i}]`]}
              label={structured ? (i === 0 ? "If true" : "If false") : `Branch ${i + 1}`}
              onChange={(t) => setBranches(branches.map((b, j) => (j === i ? t : b)))} />
          ))}
          {(!structured || branches.length < 2) && (
            <TargetSelect label={structured ? (branches.length === 0 ? "If true" : "If false") : "Add branch"} name="next_steps-new"
              value={undefined} targets={others} onChange={(t) => t && setBranches([...branches, t])} />
          )}
        </div>
      )}
      {step.type === "condition" && !structured && (
        <ConditionBranches step={step} targets={others} errors={errors} onConfig={setConfig} />
      )}
      <TargetSelect label="On error" name="on_error" value={step.on_error} targets={others} error={errors.on_error} onChange={(t) => setTop("on_error", t)} />
    </fieldset>
  );
}

/** An expression condition's branches (condition + next) and its default. */
function ConditionBranches({ step, targets, errors, onConfig }: {
  step: StepDefinition; targets: string[]; errors: Record<string, string>; onConfig: (config: Record<string, unknown>) => void;
}) {
  const config = step.config ?? {};
  const list = (expressionConditions(step) ?? []) as Record<string, unknown>[];
  const setList = (next: Record<string, unknown>[]) => onConfig({ ...config, conditions: next });
  const idBase = useId();
  return (
    <div className="condition-branches">
      {list.map((branch, i) => {
        const path = `config.conditions[${i}]`;
        const error = errors[`${path}.condition`] ?? errors[path];
        const inputId = `${idBase}-c${i}`;
        return (
          <div key={i} className="condition-branch" data-testid={`condition-branch-${i}`}>
            <div className="field">
              <label htmlFor={inputId}>Condition {i + 1}</label>
              <input id={inputId} name={`${path}.condition`} className={error ? "expression invalid" : "expression"} type="text"
                value={typeof branch.condition === "string" ? branch.condition : ""} placeholder="$.amount > 100"
                aria-invalid={!!error} aria-describedby={error ? `${inputId}-error` : undefined}
                onChange={(e) => setList(list.map((b, j) => (j === i ? { ...b, condition: e.target.value } : b)))} />
              {error && <small id={`${inputId}-error`} className="error field-error">{error}</small>}
            </div>
            <TargetSelect label={`Then go to (condition ${i + 1})`} name={`${path}.next`} value={branch.next} targets={targets}
              error={errors[`${path}.next`]} onChange={(t) => setList(list.map((b, j) => (j === i ? { ...b, next: t } : b)))} />
            <button type="button" onClick={() => setList(list.filter((_, j) => j !== i))}>Remove condition {i + 1}</button>
          </div>
        );
      })}
      <button type="button" onClick={() => setList([...list, { condition: "", next: undefined }])}>Add condition</button>
      <TargetSelect label="Default (no condition true)" name="config.default" value={config.default} targets={targets}
        error={errors["config.default"]} onChange={(t) => {
          const copy = { ...config };
          if (t) copy.default = t;
          else delete copy.default;
          onConfig(copy);
        }} />
    </div>
  );
}
