import { api } from "./client";

export interface Schedule {
  id: string;
  workflow_id: string;
  cron: string;
  time_zone: string;
  input?: unknown;
  enabled: boolean;
  next_run_at?: string | null;
  last_run_at?: string | null;
  last_execution_id?: string | null;
}

export interface WebhookTrigger {
  id: string;
  workflow_id: string;
  url: string;
  enabled: boolean;
  name?: string | null;
  auth_mode: string;
  signature_header: string;
  timestamp_header: string;
  secret?: string;
  secret_notice?: string;
}

const base = (id: string) => `/api/workflows/${encodeURIComponent(id)}`;
const send = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { "Content-Type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

export const listSchedules = (id: string) => api<{ items: Schedule[] }>(`${base(id)}/schedules`);
export const createSchedule = (id: string, body: { cron: string; time_zone?: string; input?: unknown; enabled?: boolean }) =>
  api<Schedule>(`${base(id)}/schedules`, send("POST", body));
export const updateSchedule = (id: string, scheduleId: string, body: { enabled: boolean }) =>
  api<Schedule>(`${base(id)}/schedules/${scheduleId}`, send("PATCH", body));
export const deleteSchedule = (id: string, scheduleId: string) => api<void>(`${base(id)}/schedules/${scheduleId}`, { method: "DELETE" });

export const listWebhooks = (id: string) => api<{ items: WebhookTrigger[] }>(`${base(id)}/webhooks`);
export const createWebhook = (id: string, body: { name?: string; auth_mode?: string }) =>
  api<WebhookTrigger>(`${base(id)}/webhooks`, send("POST", body));
export const updateWebhook = (id: string, webhookId: string, body: { enabled: boolean }) =>
  api<WebhookTrigger>(`${base(id)}/webhooks/${webhookId}`, send("PATCH", body));
export const rotateWebhook = (id: string, webhookId: string) => api<WebhookTrigger>(`${base(id)}/webhooks/${webhookId}/rotate`, send("POST"));
export const deleteWebhook = (id: string, webhookId: string) => api<void>(`${base(id)}/webhooks/${webhookId}`, { method: "DELETE" });

export interface RabbitMqTrigger {
  id: string;
  workflow_id: string;
  name?: string | null;
  enabled: boolean;
  /** Enabled, and the tenant's tier includes broker triggers. */
  active: boolean;
  secret: string;
  queue: string;
  exchange?: string | null;
  routing_key: string;
  prefetch: number;
  input: string;
  dead_letter_queue: string;
}

export interface RabbitMqTriggerBody {
  name?: string;
  secret?: string;
  queue?: string;
  exchange?: string;
  routing_key?: string;
  prefetch?: number;
  enabled?: boolean;
}

export const listRabbitMqTriggers = (id: string) => api<{ items: RabbitMqTrigger[] }>(`${base(id)}/rabbitmq-triggers`);
export const createRabbitMqTrigger = (id: string, body: RabbitMqTriggerBody) =>
  api<RabbitMqTrigger>(`${base(id)}/rabbitmq-triggers`, send("POST", body));
export const updateRabbitMqTrigger = (id: string, triggerId: string, body: RabbitMqTriggerBody) =>
  api<RabbitMqTrigger>(`${base(id)}/rabbitmq-triggers/${triggerId}`, send("PATCH", body));
export const deleteRabbitMqTrigger = (id: string, triggerId: string) =>
  api<void>(`${base(id)}/rabbitmq-triggers/${triggerId}`, { method: "DELETE" });
export const listSecretNames = () => api<{ items: { name: string }[] }>(`/api/secrets`);
