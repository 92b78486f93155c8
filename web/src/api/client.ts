import { clearSession, loadSession, type Session } from "./session";

/** An error answer from the API, in its {"error":{code,message}} shape. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    /** The error's details (e.g. {errors: [{path, message}]} for input that breaks a schema). */
    public readonly details?: Record<string, unknown> | null,
  ) {
    super(message);
  }
}

type UnauthorizedHandler = (message: string) => void;
let onUnauthorized: UnauthorizedHandler = () => {};

/** The app registers where a 401 leads (back to sign-in). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

export function credentialHeaders(session: Session): Record<string, string> {
  const headers: Record<string, string> =
    session.kind === "token" ? { Authorization: `Bearer ${session.credential}` } : { "X-API-Key": session.credential };
  if (session.tenant) headers["X-Tenant-ID"] = session.tenant;
  return headers;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: Record<string, unknown> | null } };
    return new ApiError(response.status, body.error?.code ?? "error", body.error?.message ?? response.statusText, body.error?.details);
  } catch {
    return new ApiError(response.status, "error", response.statusText || `HTTP ${response.status}`);
  }
}

/** Calls the API with the session's credential and tenant. A 401 ends the session and returns to sign-in, except
 * when an explicit session is being tried (the sign-in page shows that error itself). */
export async function api<T>(path: string, init: RequestInit = {}, trial?: Session): Promise<T> {
  const session = trial ?? loadSession();
  if (!session) {
    onUnauthorized("Please sign in.");
    throw new ApiError(401, "unauthorized", "Please sign in.");
  }
  const response = await fetch(path, {
    ...init,
    headers: { Accept: "application/json", ...credentialHeaders(session), ...(init.headers ?? {}) },
  });
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && !trial) {
      clearSession();
      onUnauthorized(error.message);
    }
    throw error;
  }
  return (await response.json()) as T;
}
