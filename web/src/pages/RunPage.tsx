import { WorkflowTabs } from "../components/WorkflowTabs";

// Placeholder: the page is being built.
export default function RunPage({ id }: { id: string }) {
  return (
    <section>
      <WorkflowTabs id={id} current="run" />
      <p className="muted">This page is not built yet.</p>
    </section>
  );
}
