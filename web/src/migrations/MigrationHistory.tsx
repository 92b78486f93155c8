import type { MigrationSummary } from "../api/migrations";
import { formatTime } from "../components/format";

/** The workflow's migrations, newest first, each with who made it and when; one not rolled back can be. */
export function MigrationHistory({ items, busy, onRollback }: {
  items: MigrationSummary[];
  busy: boolean;
  onRollback: (id: string) => void;
}) {
  if (items.length === 0) return <p className="muted">No migration yet.</p>;
  return (
    <table className="migration-history">
      <thead>
        <tr><th scope="col">When</th><th scope="col">By</th><th scope="col">Onto</th><th scope="col">Renamed steps</th><th scope="col" /></tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr key={m.id} data-testid="migration-row" data-migration-id={m.id}>
            <td>{formatTime(m.created_at)}</td>
            <td>{m.created_by ?? "—"}</td>
            <td>v{m.to_version}</td>
            <td>{Object.entries(m.mapping).map(([from, to]) => `${from} → ${to}`).join(", ") || "—"}</td>
            <td className="actions">
              {m.rolled_back_at
                ? <span className="muted">rolled back {formatTime(m.rolled_back_at)}</span>
                : <button type="button" className="secondary" disabled={busy} onClick={() => onRollback(m.id)}>Roll back</button>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
