import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { diffVersions, getVersion, listVersions, revertToVersion, type VersionList } from "../api/versions";
import { getWorkflow } from "../api/workflows";
import { WorkflowTabs } from "../components/WorkflowTabs";
import { compareDefinitions, type VersionDiff } from "../versions/diff";
import { VersionDiffView } from "../versions/VersionDiffView";
import { MigrationPanel } from "../versions/MigrationPanel";
import { VersionHistory } from "../versions/VersionHistory";
import "./VersionsPage.css";

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : "The server cannot be reached.");

/** A workflow's saved versions: who saved each and when, moving executions onto one, a diff of any two, and revert. */
export default function VersionsPage({ id }: { id: string }) {
  const [name, setName] = useState<string | null>(null);
  const [list, setList] = useState<VersionList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useState<{ from: number; to: number; diff: VersionDiff } | null>(null);
  const [diffError, setDiffError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);

  // Loads the history; the comparison goes back to its default, the previous version against the current one.
  const load = useCallback(async () => {
    const versions = await listVersions(id);
    setList(versions);
    setTo(versions.current_version);
    setFrom(Math.max(1, versions.current_version - 1));
  }, [id]);

  useEffect(() => {
    let current = true;
    getWorkflow(id)
      .then((w) => current && setName(w.name))
      .catch(() => {});
    load().catch((e) => current && setError(messageOf(e)));
    return () => {
      current = false;
    };
  }, [id, load]);

  useEffect(() => {
    if (from === null || to === null) return;
    let current = true;
    setDiffError(null);
    Promise.all([getVersion(id, from), getVersion(id, to), diffVersions(id, from, to)])
      .then(([a, b, server]) => current && setDiff({ from, to, diff: compareDefinitions(a.definition, b.definition, server) }))
      .catch((e) => current && setDiffError(messageOf(e)));
    return () => {
      current = false;
    };
  }, [id, from, to]);

  async function revert(number: number) {
    setBusy(true);
    setStatus(null);
    setError(null);
    try {
      const answer = await revertToVersion(id, number);
      setConfirming(null);
      setStatus(
        answer.version_created
          ? `Reverted to v${number}: its definition is now the current version, v${answer.current_version}.`
          : `v${number} has the same definition as the current version; nothing changed.`,
      );
      await load();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  const numbers = list ? [...list.items.map((v) => v.number)].sort((a, b) => a - b) : [];

  return (
    <section className="versions-page">
      <WorkflowTabs id={id} current="versions" />
      <div className="toolbar">
        <h1>Versions{name ? ` of ${name}` : ""}</h1>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="notice" role="status">{status}</p>
      {!list && !error && <p className="muted">Loading…</p>}
      {list && (
        <>
          <VersionHistory list={list} confirming={confirming} busy={busy} onAskRevert={setConfirming} onRevert={revert} />
          <h2>Migrate executions</h2>
          <MigrationPanel id={id} versions={numbers} current={list.current_version} />
          <h2>Compare</h2>
          {numbers.length < 2 ? (
            <p className="muted">There is only one version so far; save a change to compare versions.</p>
          ) : (
            <>
              <div className="compare-pickers">
                <label htmlFor="diff-from">From</label>
                <select id="diff-from" value={from ?? ""} onChange={(e) => setFrom(Number(e.target.value))}>
                  {numbers.map((n) => <option key={n} value={n}>v{n}</option>)}
                </select>
                <label htmlFor="diff-to">To</label>
                <select id="diff-to" value={to ?? ""} onChange={(e) => setTo(Number(e.target.value))}>
                  {numbers.map((n) => <option key={n} value={n}>v{n}{n === list.current_version ? " (current)" : ""}</option>)}
                </select>
              </div>
              {diffError && <p className="error" role="alert">{diffError}</p>}
              {diff && diff.from === from && diff.to === to ? (
                <div data-testid="version-diff">
                  <VersionDiffView key={`${from}-${to}`} diff={diff.diff} from={from} to={to} />
                </div>
              ) : (
                !diffError && <p className="muted">Loading the diff…</p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
