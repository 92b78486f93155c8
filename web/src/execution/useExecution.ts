import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { getExecution, getLogs, getStepRuns, getWorkflowVersion, type Execution, type LogLine, type StepRun } from "../api/executions";
import { getWorkflow } from "../api/workflows";
import type { WorkflowDefinition } from "../graph/definition";
import { watchExecution, type ConnectionState } from "./socket";

export interface ExecutionView {
  execution: Execution | null;
  runs: StepRun[];
  logs: LogLine[];
  definition: WorkflowDefinition | null;
  connection: ConnectionState;
  connectionDetail?: string;
  error: string | null;
  /** Re-reads the execution, its steps and logs (after an operation, or when an event says something changed). */
  refresh: () => void;
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : "The server cannot be reached.");

/** The live state of one execution. The REST answers are the truth; WebSocket events only say when to re-read
 * them. Reads are numbered and only the newest one's answer is applied, so a slow answer never overwrites a newer
 * state; every (re)subscription re-reads as well, so nothing missed while disconnected stays stale. */
export function useExecution(id: string): ExecutionView {
  const [execution, setExecution] = useState<Execution | null>(null);
  const [runs, setRuns] = useState<StepRun[]>([]);
  const [logs, setLogs] = useState<LogLine[]>([]);
  const [definition, setDefinition] = useState<WorkflowDefinition | null>(null);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [connectionDetail, setConnectionDetail] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const definitionFor = useRef<string | null>(null);

  const read = useCallback(async () => {
    const number = ++latest.current;
    try {
      const [e, r, l] = await Promise.all([getExecution(id), getStepRuns(id), getLogs(id)]);
      if (number !== latest.current) return;
      setExecution(e);
      setRuns(r);
      setLogs(l);
      setError(null);
      const key = `${e.workflow_id}@${e.workflow_version}`;
      if (definitionFor.current !== key) {
        definitionFor.current = key;
        // The version the execution runs; the workflow's current definition if that version cannot be read.
        const d = await getWorkflowVersion(e.workflow_id, e.workflow_version)
          .then((v) => v.definition)
          .catch(() => getWorkflow(e.workflow_id))
          .catch((err: unknown) => {
            definitionFor.current = null;
            throw err;
          });
        setDefinition(d as unknown as WorkflowDefinition);
      }
    } catch (err) {
      if (number === latest.current) setError(message(err));
    }
  }, [id]);

  /** Events come in bursts (a step's completion and the update after it): at most one read per 60 ms, started after
   * the first event of a burst, so a steady stream of events still gets read. */
  const refresh = useCallback(() => {
    if (pending.current !== undefined) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      void read();
    }, 60);
  }, [read]);

  useEffect(() => {
    void read();
    const stop = watchExecution(id, {
      onEvent: refresh,
      onLive: refresh,
      onState: (state, detail) => {
        setConnection(state);
        setConnectionDetail(detail);
      },
    });
    return () => {
      stop();
      clearTimeout(pending.current);
      pending.current = undefined;
    };
  }, [id, read, refresh]);

  return { execution, runs, logs, definition, connection, connectionDetail, error, refresh };
}
