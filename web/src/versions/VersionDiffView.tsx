import { useState } from "react";
import { WorkflowGraph } from "../graph/WorkflowGraph";
import { DiffTable } from "./DiffTable";
import type { VersionDiff } from "./diff";

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** A diff of two versions: the graph of both with the changed steps marked, then each change as JSON side by side. */
export function VersionDiffView({ diff, from, to }: { diff: VersionDiff; from: number; to: number }) {
  const [selected, setSelected] = useState<string | null>(null);
  const fromLabel = `v${from}`;
  const toLabel = `v${to}`;
  const added = diff.steps.filter((s) => s.change === "added").length;
  const removed = diff.steps.filter((s) => s.change === "removed").length;
  const changed = diff.steps.filter((s) => s.change === "changed").length;

  const select = (id: string | null) => {
    setSelected(id);
    if (id) document.getElementById(`step-diff-${id}`)?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  };

  if (diff.identical)
    return <p className="muted" data-testid="diff-summary">{fromLabel} and {toLabel} have the same definition.</p>;

  return (
    <>
      <p data-testid="diff-summary">
        From {fromLabel} to {toLabel}: {count(added, "step")} added, {removed} removed, {changed} changed
        {diff.fields.length > 0 && <>; workflow fields changed: {diff.fields.map((f) => f.field).join(", ")}</>}.
      </p>
      {diff.union.steps.length > 0 && (
        <>
          <ul className="diff-legend" aria-label="Legend">
            <li><span className="swatch change-added" aria-hidden="true" /> added</li>
            <li><span className="swatch change-changed" aria-hidden="true" /> changed</li>
            <li><span className="swatch change-removed" aria-hidden="true" /> removed (drawn from {fromLabel})</li>
          </ul>
          <WorkflowGraph definition={diff.union} changes={diff.changes} selectedStep={selected} onSelectStep={select} height={420} />
        </>
      )}
      <h3>JSON</h3>
      {diff.fields.length > 0 && (
        <section className="diff-block" data-testid="field-diff-list" aria-label="Workflow fields">
          <h4>Workflow fields</h4>
          {diff.fields.map((f) => (
            <div key={f.field} data-testid="field-diff" data-field={f.field}>
              <h5><code>{f.field}</code></h5>
              <DiffTable before={f.before} after={f.after} fromLabel={fromLabel} toLabel={toLabel} label={`Workflow field ${f.field}`} />
            </div>
          ))}
        </section>
      )}
      {diff.steps.map((s) => (
        <section
          key={s.id}
          id={`step-diff-${s.id}`}
          className={`diff-block${selected === s.id ? " selected" : ""}`}
          data-testid="step-diff"
          data-step-id={s.id}
          data-change={s.change}
          aria-label={`Step ${s.id}, ${s.change}`}
        >
          <h4>
            Step <code>{s.id}</code> <span className={`change-tag change-${s.change}`}>{s.change}</span>
            {s.change === "changed" && <span className="muted"> in {s.fields.join(", ")}</span>}
          </h4>
          <DiffTable before={s.before} after={s.after} fromLabel={fromLabel} toLabel={toLabel} label={`Step ${s.id}: ${fromLabel} and ${toLabel}`} />
        </section>
      ))}
    </>
  );
}
