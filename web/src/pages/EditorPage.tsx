import { WorkflowTabs } from "../components/WorkflowTabs";

// Placeholder: the page is being built.
export default function EditorPage({ id }: { id: string }) {
  return (
    <section>
      <WorkflowTabs id={id} current="editor" />
      <p className="muted">This page is not built yet.</p>
    </section>
  );
}
