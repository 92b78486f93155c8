import { ReactFlowProvider, type ReactFlowInstance } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { listAvailableSteps, loadDefinition, saveDefinition, type AvailableStep } from "../api/editor";
import { WorkflowTabs } from "../components/WorkflowTabs";
import type { StepDefinition, WorkflowDefinition } from "../graph/definition";
import { hasPosition, nodeHeight, type Positions } from "../graph/layout";
import { layoutStepsAsync } from "../graph/useLayout";
import { Canvas, openingView } from "../editor/Canvas";
import { copiedSteps, copySteps } from "../editor/clipboard";
import { addStep, connect, pasteSteps, removeRoute, removeSteps, renameStep, replaceStep, setGroup, setPositions } from "../editor/edits";
import { useHistory } from "../editor/history";
import { Inspector } from "../editor/Inspector";
import { Palette } from "../editor/Palette";
import { useLeaveWarning, useShortcuts } from "../editor/shortcuts";
import { Toolbar } from "../editor/Toolbar";
import { errorsByField, errorsByStep, useValidation } from "../editor/validation";
import { WorkflowSettings } from "../editor/WorkflowSettings";
import "./EditorPage.css";

export default function EditorPage({ id }: { id: string }) {
  const [loaded, setLoaded] = useState<{ definition: WorkflowDefinition; version: number; layout: Positions } | null>(null);
  const [types, setTypes] = useState<AvailableStep[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([loadDefinition(id), listAvailableSteps()])
      .then(async ([workflow, steps]) => {
        const layout = await layoutStepsAsync(workflow.definition);
        if (live) { setLoaded({ ...workflow, layout }); setTypes(steps); }
      })
      .catch((err: Error) => live && setError(err.message));
    return () => { live = false; };
  }, [id]);
  return (
    <section className="editor-page">
      <WorkflowTabs id={id} current="editor" />
      {error && <p className="error" role="alert">{error}</p>}
      {!loaded && !error && <p className="muted">Loading…</p>}
      {loaded && (
        <ReactFlowProvider>
          <Editor id={id} initial={loaded.definition} layout={loaded.layout} version={loaded.version} types={types} />
        </ReactFlowProvider>
      )}
    </section>
  );
}

interface EditorProps {
  id: string;
  initial: WorkflowDefinition;
  /** Where the layout put each step of the definition as opened. */
  layout: Positions;
  version: number;
  types: AvailableStep[];
}

function Editor({ id, initial, layout, version: initialVersion, types }: EditorProps) {
  const history = useHistory(initial);
  const definition = history.value;
  const [saved, setSaved] = useState(() => JSON.stringify(initial));
  const [version, setVersion] = useState(initialVersion);
  const [status, setStatus] = useState<{ text: string; error?: boolean } | null>(null);
  const [selection, setSelection] = useState<string[]>([]);
  // The graph's view, to move it (find, auto-layout); set when the graph is ready. Held in a ref, where
  // useReactFlow() would render the whole editor again at that moment, while it opens.
  const flow = useRef<ReactFlowInstance | null>(null);
  const dirty = JSON.stringify(definition) !== saved;
  useLeaveWarning(dirty);

  // Steps without a saved position keep the place the layout gave them when the workflow was opened.
  const positions = useMemo(() => {
    const result: Positions = {};
    for (const step of definition.steps)
      result[step.id] = hasPosition(step) ? { x: step.position!.x, y: step.position!.y } : layout[step.id] ?? { x: 0, y: 0 };
    return result;
  }, [definition, layout]);

  // The same arrays while the definition and the selection stay: the graph rebuilds its nodes when they change.
  const ids = useMemo(() => definition.steps.map((s) => s.id), [definition]);
  const liveSelection = useMemo(() => selection.filter((s) => ids.includes(s)), [selection, ids]);
  const selected: StepDefinition | null = liveSelection.length === 1 ? definition.steps.find((s) => s.id === liveSelection[0]) ?? null : null;
  const validation = useValidation(definition, selected);
  // The same messages stay the same object, so that a check that changed nothing does not rebuild the graph's nodes.
  const nodeErrorsKey = JSON.stringify(errorsByStep(validation));
  const nodeErrors = useMemo(() => JSON.parse(nodeErrorsKey) as Record<string, string[]>, [nodeErrorsKey]);

  const edit = history.set;
  const add = (type: string, at?: { x: number; y: number }) => {
    const anchor = selected ? positions[selected.id] : undefined;
    const lowest = Math.max(0, ...Object.values(positions).map((p) => p.y + nodeHeight));
    const position = at ?? (anchor ? { x: anchor.x + 40, y: anchor.y + nodeHeight + 60 } : { x: 40, y: lowest + 60 });
    const result = addStep(definition, type, position);
    edit(result.definition);
    setSelection([result.id]);
    setStatus({ text: `Added step ${result.id}.` });
  };

  const save = useCallback(async () => {
    try {
      setStatus({ text: "Saving…" });
      const answer = await saveDefinition(id, definition);
      setSaved(JSON.stringify(definition));
      setVersion(answer.current_version);
      setStatus({ text: answer.version_created === false ? `No changes; still version ${answer.current_version}.` : `Saved as version ${answer.current_version}.` });
    } catch (err) {
      setStatus({ text: `Not saved: ${(err as Error).message}`, error: true });
    }
  }, [id, definition]);

  const copy = () => {
    const steps = definition.steps.filter((s) => liveSelection.includes(s.id)).map((s) => ({ ...s, position: positions[s.id] }));
    if (steps.length === 0) return;
    copySteps(steps);
    setStatus({ text: `Copied ${steps.length} step${steps.length === 1 ? "" : "s"}.` });
  };
  const paste = () => {
    const steps = copiedSteps();
    if (steps.length === 0) return;
    const result = pasteSteps(definition, steps, { x: 40, y: 40 });
    edit(result.definition);
    setSelection(result.ids);
    setStatus({ text: `Pasted ${result.ids.join(", ")}.` });
  };
  useShortcuts({ undo: history.undo, redo: history.redo, copy, paste, save: () => void save() });

  const autoLayout = () => {
    const bare = { ...definition, steps: definition.steps.map(({ position: _, ...s }) => s as StepDefinition) };
    void layoutStepsAsync(bare).then((laidOut) => {
      edit((d) => setPositions(d, laidOut));
      window.setTimeout(() => void flow.current?.fitView(openingView(definition)), 50);
    });
  };
  const find = (query: string) => {
    const q = query.trim().toLowerCase();
    const step = definition.steps.find((s) => s.id.toLowerCase() === q)
      ?? definition.steps.find((s) => s.id.toLowerCase().includes(q) || (typeof s.name === "string" && s.name.toLowerCase().includes(q)));
    if (!step) { setStatus({ text: `No step matches "${query}".`, error: true }); return; }
    setSelection([step.id]);
    const p = positions[step.id];
    void flow.current?.setCenter(p.x + 110, p.y + 36, { zoom: 1, duration: 200 });
    setStatus({ text: `Found ${step.id}.` });
  };

  const updateStep = (oldId: string, step: StepDefinition) => {
    edit((d) => {
      const renamed = step.id !== oldId ? renameStep(d, oldId, step.id) : d;
      return replaceStep(renamed, step.id, step);
    });
    if (step.id !== oldId) setSelection([step.id]);
  };

  return (
    <div className="editor">
      <Toolbar
        dirty={dirty} version={version} status={status} checking={validation.checking}
        problems={validation.errors.length} canUndo={history.canUndo} canRedo={history.canRedo} selectionCount={liveSelection.length}
        onSave={() => void save()} onUndo={history.undo} onRedo={history.redo} onAutoLayout={autoLayout} onFind={find}
        onCopy={copy} onPaste={paste}
        onGroup={(label) => edit(setGroup(definition, liveSelection, label))}
      />
      <div className="editor-body">
        <Palette steps={types} onAdd={(type) => add(type)} />
        <Canvas
          definition={definition} positions={positions} errors={nodeErrors} selection={liveSelection} flow={flow}
          onSelect={setSelection}
          onMove={(moved) => edit((d) => setPositions(d, moved))}
          onConnect={(source, handle, target) => edit((d) => connect(d, source, handle, target))}
          onDelete={(steps, routes) => edit((d) => {
            const cut = [...routes].sort((a, b) => b.field.localeCompare(a.field, undefined, { numeric: true }))
              .reduce((acc, r) => removeRoute(acc, r.source, r.field), d);
            return removeSteps(cut, steps);
          })}
          onDropType={(type, at) => add(type, at)}
        />
        {selected ? (
          <Inspector
            key={selected.id} step={selected} stepIds={ids} types={types} revision={history.revision}
            errors={errorsByField(validation, selected.id)}
            warnings={validation.warnings.map((w) => w.message)}
            onChange={(step) => updateStep(selected.id, step)}
          />
        ) : (
          <WorkflowSettings definition={definition} errors={errorsByField(validation, null)} revision={history.revision} onChange={edit} />
        )}
      </div>
      {validation.errors.length > 0 && (
        <details className="editor-problems">
          <summary>{validation.errors.length} problem{validation.errors.length === 1 ? "" : "s"} in the definition</summary>
          <ul>
            {validation.errors.map((e, i) => (
              <li key={i}>{e.step_id ? <code>{e.step_id}</code> : "Workflow"}{e.field ? ` · ${e.field}` : ""}: {e.message}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
