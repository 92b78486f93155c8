import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StepNode } from "./flow";

/** A step on the graph: its name, type and, in an execution or a diff, its state or change. The top handle takes
 * incoming routes; the bottom one is for next, branches and conditions, the right one for on_error. Memoised: React
 * Flow renders its node wrappers again each time it measures new steps, which leaves their props as they were. */
export const StepNodeView = memo(function StepNodeView({ data, selected }: NodeProps<StepNode>) {
  const { step, start, state, change, badge, errors, editable } = data;
  const classes = ["step-node", state && `state-${state}`, change && `change-${change}`, errors?.length && "has-errors", selected && "selected"]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={classes} data-testid="step-node" data-step-id={step.id} data-state={state} data-change={change}>
      <Handle type="target" position={Position.Top} />
      <div className="step-title">
        {start && <span className="step-start" title="Start step">▶</span>}
        <span>{step.name ?? step.id}</span>
      </div>
      <div className="step-meta">
        <code>{step.type}</code>
        {state && <span className={`step-state state-${state}`}>{state}</span>}
        {change && <span className="step-state">{change}</span>}
      </div>
      {badge && <div className="step-badge" data-testid="step-badge">{badge}</div>}
      {errors && errors.length > 0 && (
        <div className="step-errors" role="alert" title={errors.join("\n")}>
          {errors[0]}
          {errors.length > 1 && ` (+${errors.length - 1})`}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} id="out" title="Next" />
      <Handle type="source" position={Position.Right} id="error" className="handle-error" title="On error" />
      {editable && step.type === "condition" && (
        <Handle type="source" position={Position.Left} id="default" className="handle-default" title="Default branch" />
      )}
    </div>
  );
});
