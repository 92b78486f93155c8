// Runs the browser client of the "Real time" WebSocket protocol, monitorWorkflowExecution, exactly as it is
// published, against a test server, and prints what its callbacks receive, one JSON line each.
// Usage: node [--experimental-websocket] monitor.js <server base URL> <execution id> <workflow id> <token> <tenant>
'use strict';
const [server, executionIdArg, workflowIdArg, authTokenArg, tenantIdArg] = process.argv.slice(2);

// The published code connects to its example host; the only change is where that address leads.
// Node 21+ (or 20 with --experimental-websocket) has the browser's WebSocket; older ones, or CHORUS_WEBSOCKET_SHIM=1, use the shim.
const NativeWebSocket = (process.env.CHORUS_WEBSOCKET_SHIM !== '1' && globalThis.WebSocket) || require('./websocket-shim.js');
globalThis.WebSocket = class extends NativeWebSocket {
  constructor(url, protocols) {
    super(url.replace('wss://api.domain.com', server.replace(/^http/, 'ws').replace(/\/$/, '')), protocols);
  }
};

const report = (callback, data) => console.log(JSON.stringify({ callback, data }));
const giveUp = setTimeout(() => { report('timeout', null); process.exit(2); }, 15000);

// ---- verbatim from the published client (monitorWorkflowExecution) ----
const monitorWorkflowExecution = (executionId, workflowId, authToken, tenantId, callbacks) => {
  const ws = new WebSocket(`wss://api.domain.com/api/workflows/ws`);
  let reconnectAttempts = 0;
  const maxReconnectAttempts = 5;
  
  ws.onopen = () => {
    reconnectAttempts = 0;
    
    // Autenticar
    ws.send(JSON.stringify({
      action: "authenticate",
      token: authToken,
      tenant_id: tenantId
    }));
    
    // Suscribirse a actualizaciones específicas
    ws.send(JSON.stringify({
      action: "subscribe",
      topics: [`execution:${executionId}`, `workflow:${workflowId}`]
    }));
  };
  
  ws.onmessage = (event) => {
    const data = JSON.parse(event.data);
    
    switch(data.event) {
      case "workflow_execution_update":
        if (callbacks.onUpdate) {
          callbacks.onUpdate(data);
        }
        break;
        
      case "workflow_step_completed":
        if (callbacks.onStepCompleted) {
          callbacks.onStepCompleted(data);
        }
        break;
        
      case "workflow_execution_error":
        if (callbacks.onError) {
          callbacks.onError(data);
        }
        break;
        
      case "workflow_execution_completed":
        if (callbacks.onCompleted) {
          callbacks.onCompleted(data);
        }
        break;
    }
  };
  
  // Manejo de reconexión con backoff exponencial
  ws.onclose = (event) => {
    if (event.code !== 1000 && reconnectAttempts < maxReconnectAttempts) {
      reconnectAttempts++;
      const delay = Math.min(1000 * Math.pow(2, reconnectAttempts), 30000);
      
      console.log(`Intentando reconectar en ${delay/1000} segundos...`);
      setTimeout(() => {
        monitorWorkflowExecution(executionId, workflowId, authToken, tenantId, callbacks);
      }, delay);
    } else if (reconnectAttempts >= maxReconnectAttempts) {
      console.error('Máximo número de intentos de reconexión alcanzado');
      if (callbacks.onConnectionError) {
        callbacks.onConnectionError();
      }
    }
  };
  
  // Ping periódico para mantener conexión activa
  const pingInterval = setInterval(() => {
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({
        action: "ping",
        timestamp: new Date().toISOString()
      }));
    }
  }, 30000);
  
  return {
    socket: ws,
    close: () => {
      clearInterval(pingInterval);
      ws.close(1000);
    }
  };
};
// ---- end of the published client ----

const monitor = monitorWorkflowExecution(executionIdArg, workflowIdArg, authTokenArg, tenantIdArg, {
  onUpdate: (data) => report('onUpdate', data),
  onStepCompleted: (data) => report('onStepCompleted', data),
  onError: (data) => report('onError', data),
  onCompleted: (data) => {
    report('onCompleted', data);
    clearTimeout(giveUp);
    monitor.close();
  },
  onConnectionError: () => { report('onConnectionError', null); process.exit(3); },
});
