import { WorkflowTabs } from "../components/WorkflowTabs";

// Placeholder: the page is being built.
export default function VersionsPage({ id }: { id: string }) {
  return (
    <section>
      <WorkflowTabs id={id} current="versions" />
      <p className="muted">This page is not built yet.</p>
    </section>
  );
}
