import { useState } from "react";
import { createSchedule } from "../api/triggers";
import { createWorkflow } from "../api/workflows";
import { navigate, routes } from "../components/router";
import { JsonImport } from "./manage/JsonImport";
import { errorText } from "./manage/download";
import { templates, type Template } from "./manage/templates";
import "./NewWorkflowPage.css";

/** The smallest definition the server accepts: a start step the editor builds on. */
const blank = (name: string) => ({
  name,
  status: "draft",
  steps: [{ id: "start", name: "Start", type: "trigger" }],
});

export default function NewWorkflowPage() {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const fromScratch = async () => {
    setError(null);
    setBusy("scratch");
    try {
      const created = await createWorkflow(blank(name.trim()));
      navigate(routes.editor(created.id));
    } catch (e) {
      setError(errorText(e));
      setBusy(null);
    }
  };

  const fromTemplate = async (t: Template) => {
    setError(null);
    setBusy(t.key);
    try {
      const created = await createWorkflow(t.definition);
      if (t.schedule) await createSchedule(created.id, { ...t.schedule, enabled: true });
      navigate(t.schedule ? routes.triggers(created.id) : routes.workflow(created.id));
    } catch (e) {
      setError(`${t.title}: ${errorText(e)}`);
      setBusy(null);
    }
  };

  return (
    <section className="new-workflow">
      <h1>New workflow</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="panel">
        <h2>From scratch</h2>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            fromScratch();
          }}
        >
          <label className="field">
            <span>Name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
          </label>
          <button type="submit" disabled={busy !== null || name.trim() === ""}>Create and open the editor</button>
        </form>
      </div>
      <div className="panel">
        <h2>From JSON</h2>
        <JsonImport label="Create from JSON" onCreated={(w) => navigate(routes.workflow(w.id))} />
      </div>
      <h2>From a template</h2>
      <ul className="gallery">
        {templates.map((t) => (
          <li key={t.key} className="template-card" data-testid="template">
            <h3>{t.title}</h3>
            <p>{t.description}</p>
            <button type="button" aria-label={`Use template: ${t.title}`} disabled={busy !== null} onClick={() => fromTemplate(t)}>
              Use template
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
