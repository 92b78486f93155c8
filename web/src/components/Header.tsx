import type { Session } from "../api/session";
import { Link } from "./Link";
import { routes } from "./router";

interface Props {
  session: Session;
  onSwitchTenant: (tenant: string) => void;
  onSignOut: () => void;
}

export function Header({ session, onSwitchTenant, onSignOut }: Props) {
  return (
    <header className="top">
      <Link className="brand" to={routes.workflows}>Chorus</Link>
      <nav className="main-nav">
        <Link to={routes.workflows}>Workflows</Link>
        <Link to={routes.executions}>Executions</Link>
        <Link to={routes.usage}>Usage</Link>
      </nav>
      <div className="spacer" />
      {session.tenants.length > 1 ? (
        <label className="tenant">
          Tenant{" "}
          <select value={session.tenant ?? ""} onChange={(e) => onSwitchTenant(e.target.value)} aria-label="Tenant">
            {session.tenants.map((t) => (
              <option key={t} value={t}>{t}</option>
            ))}
          </select>
        </label>
      ) : (
        session.tenant && <span className="tenant">Tenant {session.tenant}</span>
      )}
      <button type="button" className="link" onClick={onSignOut}>Sign out</button>
    </header>
  );
}
