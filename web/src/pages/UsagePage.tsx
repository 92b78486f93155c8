import { useEffect, useState } from "react";
import { getUsage, type Usage } from "../api/usage";
import { errorText } from "./manage/download";
import "./UsagePage.css";

const metered = [
  { key: "workflows", label: "Workflows", limit: "max_workflows" },
  { key: "executions_today", label: "Executions today", limit: "max_executions_per_day" },
  { key: "running_executions", label: "Running executions", limit: "max_concurrent_executions" },
] as const;

const shown = (value: unknown) =>
  value === null || value === undefined ? "no limit" : Array.isArray(value) ? value.join(", ") : String(value);

export default function UsagePage() {
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getUsage().then(setUsage).catch((e) => setError(errorText(e)));
  }, []);

  return (
    <section className="usage">
      <h1>Usage</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {usage && (
        <>
          <p>Tenant <code>{usage.tenant_id}</code> on the <strong data-testid="tier">{usage.tier}</strong> tier.</p>
          <ul className="meters">
            {metered.map((m) => {
              const used = usage.usage[m.key];
              const limit = usage.limits[m.limit];
              const max = typeof limit === "number" ? limit : null;
              return (
                <li key={m.key} data-testid={`usage-${m.key}`}>
                  <span className="meter-label" id={`meter-${m.key}`}>{m.label}</span>
                  <span className="meter-numbers">
                    <span data-testid="used">{used}</span> of <span data-testid="limit">{max ?? "no limit"}</span>
                  </span>
                  {max !== null ? (
                    <meter aria-labelledby={`meter-${m.key}`} min={0} max={max} value={Math.min(used, max)} high={max * 0.8} optimum={0} />
                  ) : (
                    <meter aria-labelledby={`meter-${m.key}`} min={0} max={1} value={0} />
                  )}
                </li>
              );
            })}
          </ul>
          <h2>Limits of the tier</h2>
          <dl className="facts" data-testid="limits">
            {Object.entries(usage.limits).map(([key, value]) => (
              <div key={key} className="fact">
                <dt>{key.replace(/_/g, " ")}</dt>
                <dd>{shown(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}
