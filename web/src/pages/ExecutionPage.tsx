// Placeholder: the page is being built.
export default function ExecutionPage({ id }: { id: string }) {
  return <p className="muted">Execution {id}: this page is not built yet.</p>;
}
