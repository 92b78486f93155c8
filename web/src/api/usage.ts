import { api } from "./client";

export interface Usage {
  tenant_id: string;
  tier: string;
  limits: Record<string, unknown>;
  usage: { workflows: number; executions_today: number; running_executions: number };
}

export const getUsage = () => api<Usage>("/api/usage");
