import { useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client";
import { saveSession, tenantsOf, type CredentialKind, type Session } from "../api/session";

interface Props {
  notice: string | null;
  onSignedIn: (session: Session) => void;
}

export function SignInPage({ notice, onSignedIn }: Props) {
  const [kind, setKind] = useState<CredentialKind>("token");
  const [credential, setCredential] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = credential.trim();
    if (!value) {
      setError("Paste a token or an API key.");
      return;
    }
    const tenants = tenantsOf(kind, value);
    const session: Session = { kind, credential: value, tenants, tenant: tenants[0] ?? null };
    setBusy(true);
    setError(null);
    try {
      // One cheap call proves the credential before anything is stored.
      await api("/api/workflows?page_size=1", {}, session);
      saveSession(session);
      onSignedIn(session);
    } catch (e) {
      setError(e instanceof ApiError ? `Sign-in failed: ${e.message}` : "Sign-in failed: the server cannot be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Chorus</h1>
        {notice && !error && <p className="notice" role="status">{notice}</p>}
        <fieldset className="kinds">
          <legend>Credential</legend>
          <label>
            <input type="radio" name="kind" checked={kind === "token"} onChange={() => setKind("token")} /> Token
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === "apikey"} onChange={() => setKind("apikey")} /> API key
          </label>
        </fieldset>
        <label htmlFor="credential">{kind === "token" ? "Token (from `chorus token`)" : "API key (chorus_…)"}</label>
        <textarea
          id="credential"
          name="credential"
          rows={4}
          value={credential}
          onChange={(e) => setCredential(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <p className="hint muted">
          Get a token with <code>chorus token --tenant acme --role admin</code> on the server&apos;s machine; in
          development the server prints one when it starts.
        </p>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
      </form>
    </main>
  );
}
