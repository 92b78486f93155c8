// The credential lives in sessionStorage: it is gone when the tab closes and is never sent anywhere but our API.
export type CredentialKind = "token" | "apikey";

export interface Session {
  kind: CredentialKind;
  credential: string;
  tenants: string[];
  tenant: string | null;
}

const storageKey = "chorus.session";

export function loadSession(): Session | null {
  const text = sessionStorage.getItem(storageKey);
  if (!text) return null;
  try {
    return JSON.parse(text) as Session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(storageKey, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(storageKey);
}

/** The tenants a token names (tenant_id first, then tenants); an API key belongs to one tenant the server knows. */
export function tenantsOf(kind: CredentialKind, credential: string): string[] {
  if (kind !== "token") return [];
  const payload = credential.split(".")[1];
  if (!payload) return [];
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const found: string[] = [];
    if (typeof json.tenant_id === "string") found.push(json.tenant_id);
    if (Array.isArray(json.tenants))
      for (const t of json.tenants) if (typeof t === "string" && !found.includes(t)) found.push(t);
    return found;
  } catch {
    return [];
  }
}
