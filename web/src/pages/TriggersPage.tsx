import { WorkflowTabs } from "../components/WorkflowTabs";

// Placeholder: the page is being built.
export default function TriggersPage({ id }: { id: string }) {
  return (
    <section>
      <WorkflowTabs id={id} current="triggers" />
      <p className="muted">This page is not built yet.</p>
    </section>
  );
}
