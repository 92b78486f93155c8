import type { VersionList, VersionSummary } from "../api/versions";
import { formatTime } from "../components/format";

interface Props {
  list: VersionList;
  confirming: number | null;
  busy: boolean;
  onAskRevert: (number: number | null) => void;
  onRevert: (number: number) => void;
}

/** The earliest older version with the same definition: a later one equal to it was most likely made by a revert. */
function sameAs(version: VersionSummary, all: VersionSummary[]): number | null {
  const earlier = all.filter((v) => v.number < version.number && v.hash === version.hash).sort((a, b) => a.number - b.number);
  return earlier[0]?.number ?? null;
}

/** Every saved version, newest first, with who saved it and when; each old version can be made current again. */
export function VersionHistory({ list, confirming, busy, onAskRevert, onRevert }: Props) {
  const versions = [...list.items].sort((a, b) => b.number - a.number);
  return (
    <table className="list versions-list" aria-label="Version history">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Saved</th>
          <th scope="col">Author</th>
          <th scope="col">Note</th>
          <th scope="col"><span className="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => {
          const current = v.number === list.current_version;
          const same = sameAs(v, list.items);
          return (
            <tr key={v.number} data-testid="version-row" data-version={v.number} data-current={current || undefined}>
              <td>
                <strong>v{v.number}</strong> {current && <span className="badge badge-active">current</span>}
              </td>
              <td><time dateTime={v.created_at} data-testid="version-time">{formatTime(v.created_at)}</time></td>
              <td data-testid="version-author">{v.updated_by ? v.updated_by : <span className="muted">unknown</span>}</td>
              <td>
                {v.label && <span>Label <code>{v.label}</code>{same !== null && "; "}</span>}
                {same !== null && <span data-testid="version-same-as">same definition as v{same} (reverted)</span>}
              </td>
              <td className="actions">
                {!current && confirming !== v.number && (
                  <button type="button" className="secondary" onClick={() => onAskRevert(v.number)} disabled={busy}>
                    Revert to v{v.number}
                  </button>
                )}
                {confirming === v.number && (
                  <div className="confirm" role="group" aria-label={`Confirm revert to v${v.number}`}>
                    <span>Save v{v.number}&apos;s definition as a new current version?</span>
                    <button type="button" onClick={() => onRevert(v.number)} disabled={busy} autoFocus>
                      Confirm revert
                    </button>
                    <button type="button" className="secondary" onClick={() => onAskRevert(null)} disabled={busy}>
                      Cancel
                    </button>
                  </div>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
