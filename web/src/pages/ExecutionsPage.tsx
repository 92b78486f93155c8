// Placeholder: the page is being built.
export default function ExecutionsPage() {
  return <p className="muted">This page is not built yet.</p>;
}
