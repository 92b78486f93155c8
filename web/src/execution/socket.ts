import { loadSession } from "../api/session";

/** An execution event as the WebSocket pushes it (seed 003's fields). */
export interface ExecutionEvent {
  event: string;
  execution_id: string;
  status?: string;
  current_step?: string | null;
  progress?: number;
  timestamp?: string;
  [field: string]: unknown;
}

export type ConnectionState = "connecting" | "live" | "reconnecting" | "stopped";

export interface WatchHandlers {
  /** Every execution event, the subscribe snapshot first. */
  onEvent: (event: ExecutionEvent) => void;
  /** Called each time the subscription is (re)established: the caller re-reads the state. */
  onLive: () => void;
  onState: (state: ConnectionState, detail?: string) => void;
}

const firstDelay = 500;
const maxDelay = 15_000;
/** A ping every 20 s; a connection that has said nothing for 45 s is taken as dead (a network that drops silently
 * never closes the socket). */
const pingEvery = 20_000;
const silentLimit = 45_000;

/** Follows execution:<id> over /api/workflows/ws: authenticates with the session's credential in the first message
 * (a browser cannot set headers on the upgrade), subscribes, and reconnects by itself with exponential backoff
 * (0.5 s, 1 s, 2 s ... up to 15 s, with jitter) whenever the socket drops or falls silent, at once when the
 * browser comes back online. Returns the function that stops it. */
export function watchExecution(id: string, handlers: WatchHandlers): () => void {
  let socket: WebSocket | null = null;
  let stopped = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let heard = Date.now();

  /** The socket is gone (closed, or silent too long): forget it and try again after the backoff. */
  const dropped = (ws: WebSocket) => {
    if (socket !== ws) return;
    socket = null;
    clearInterval(heartbeat);
    ws.onclose = ws.onmessage = ws.onopen = null;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
    if (stopped) return;
    failures++;
    const delay = Math.min(maxDelay, firstDelay * 2 ** (failures - 1)) * (0.8 + Math.random() * 0.4);
    handlers.onState("reconnecting");
    timer = setTimeout(connect, delay);
  };

  const connect = () => {
    const session = loadSession();
    if (!session) {
      handlers.onState("stopped", "Not signed in.");
      return;
    }
    handlers.onState(failures === 0 ? "connecting" : "reconnecting");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/api/workflows/ws`);
    socket = ws;
    heard = Date.now();
    clearInterval(heartbeat);
    heartbeat = setInterval(() => {
      if (Date.now() - heard > silentLimit) dropped(ws);
      else if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ action: "ping" }));
    }, pingEvery);
    ws.onopen = () => {
      ws.send(JSON.stringify({ action: "authenticate", token: session.credential, ...(session.tenant ? { tenant_id: session.tenant } : {}) }));
    };
    ws.onmessage = (message) => {
      heard = Date.now();
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(String(message.data)) as Record<string, unknown>;
      } catch {
        return;
      }
      if (data.type === "authenticated") ws.send(JSON.stringify({ action: "subscribe", topics: [`execution:${id}`] }));
      else if (data.type === "subscribed") {
        failures = 0;
        handlers.onState("live");
        handlers.onLive();
      } else if (data.type === "error") {
        const error = data.error as { code?: string; message?: string } | undefined;
        if (error?.code === "unauthorized" || error?.code === "permission_denied") {
          stopped = true;
          handlers.onState("stopped", error.message ?? "The live connection was refused.");
          ws.close();
        }
      } else if (typeof data.event === "string" && data.execution_id === id) handlers.onEvent(data as ExecutionEvent);
    };
    ws.onclose = () => dropped(ws);
  };

  /** Back online: try now instead of waiting out the backoff. */
  const online = () => {
    if (stopped || socket) return;
    clearTimeout(timer);
    connect();
  };
  window.addEventListener("online", online);

  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(heartbeat);
    window.removeEventListener("online", online);
    const ws = socket;
    socket = null;
    ws?.close();
  };
}
