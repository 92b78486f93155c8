import { useEffect, useState } from "react";
import { createSchedule, deleteSchedule, listSchedules, updateSchedule, type Schedule } from "../../api/triggers";
import { formatTime } from "../../components/format";
import { errorText } from "./download";

export function SchedulesSection({ id }: { id: string }) {
  const [items, setItems] = useState<Schedule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cron, setCron] = useState("0 2 * * *");
  const [zone, setZone] = useState("UTC");
  const [input, setInput] = useState("{}");
  const load = () => listSchedules(id).then((p) => setItems(p.items)).catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, [id]);

  const act = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section aria-labelledby="schedules-title">
      <h2 id="schedules-title">Schedules</h2>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="list">
        <thead>
          <tr><th>Cron</th><th>Time zone</th><th>Enabled</th><th>Next run</th><th>Last run</th><th><span className="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {(items ?? []).map((s) => (
            <tr key={s.id} data-testid="schedule-row">
              <td><code>{s.cron}</code></td>
              <td>{s.time_zone}</td>
              <td>{s.enabled ? "Enabled" : "Disabled"}</td>
              <td data-testid="next-run">{s.enabled ? formatTime(s.next_run_at) : "—"}</td>
              <td>{formatTime(s.last_run_at)}</td>
              <td className="row-actions">
                <button type="button" className="link" aria-label={`${s.enabled ? "Disable" : "Enable"} schedule ${s.cron}`}
                  onClick={() => act(() => updateSchedule(id, s.id, { enabled: !s.enabled }))}>
                  {s.enabled ? "Disable" : "Enable"}
                </button>
                <button type="button" className="link danger-link" aria-label={`Delete schedule ${s.cron}`}
                  onClick={() => act(() => deleteSchedule(id, s.id))}>Delete</button>
              </td>
            </tr>
          ))}
          {items?.length === 0 && <tr><td colSpan={6} className="muted">No schedules.</td></tr>}
        </tbody>
      </table>
      <form
        className="inline-form trigger-form"
        aria-label="New schedule"
        onSubmit={(e) => {
          e.preventDefault();
          let parsed: unknown;
          try {
            parsed = JSON.parse(input || "{}");
          } catch {
            setError("The input is not valid JSON.");
            return;
          }
          act(() => createSchedule(id, { cron: cron.trim(), time_zone: zone.trim() || "UTC", input: parsed }));
        }}
      >
        <label className="field"><span>Cron</span><input value={cron} onChange={(e) => setCron(e.target.value)} required /></label>
        <label className="field"><span>Time zone</span><input value={zone} onChange={(e) => setZone(e.target.value)} /></label>
        <label className="field"><span>Input (JSON)</span><input value={input} onChange={(e) => setInput(e.target.value)} /></label>
        <button type="submit">Add schedule</button>
      </form>
    </section>
  );
}
