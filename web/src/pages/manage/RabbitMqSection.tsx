import { useEffect, useState } from "react";
import {
  createRabbitMqTrigger,
  deleteRabbitMqTrigger,
  listRabbitMqTriggers,
  listSecretNames,
  updateRabbitMqTrigger,
  type RabbitMqTrigger,
} from "../../api/triggers";
import { errorText } from "./download";

/** A workflow's RabbitMQ triggers: each starts one execution per message of its queue. The connection URL stays in
 * the tenant's secret the trigger names; this page never sees it. */
export function RabbitMqSection({ id }: { id: string }) {
  const [items, setItems] = useState<RabbitMqTrigger[] | null>(null);
  const [secrets, setSecrets] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ name: "", secret: "", queue: "", exchange: "", routingKey: "", prefetch: "10" });
  const load = () => listRabbitMqTriggers(id).then((p) => setItems(p.items)).catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
    // Only offers names to pick from: a viewer may not list secrets, and a name can still be typed.
    listSecretNames().then((p) => setSecrets(p.items.map((s) => s.name))).catch(() => setSecrets([]));
  }, [id]);

  const act = async (what: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    try {
      await what();
      await load();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  };
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  const label = (t: RabbitMqTrigger) => t.name || t.queue;

  return (
    <section aria-labelledby="rabbitmq-title">
      <h2 id="rabbitmq-title">RabbitMQ triggers</h2>
      <p className="hint muted">Each message of the queue starts one execution; messages that can never start go to the dead-letter queue with the reason.</p>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="list">
        <thead>
          <tr>
            <th>Name</th><th>Reads</th><th>Connection secret</th><th>Prefetch</th><th>Dead letters</th><th>Enabled</th>
            <th><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {(items ?? []).map((t) => (
            <tr key={t.id} data-testid="rabbitmq-row">
              <td>{t.name || <span className="muted">unnamed</span>}</td>
              <td>
                queue <code>{t.queue}</code>
                {t.exchange && <> bound to <code>{t.exchange}</code> with <code>{t.routing_key || "(empty key)"}</code></>}
              </td>
              <td><code>{t.secret}</code></td>
              <td>{t.prefetch}</td>
              <td><code>{t.dead_letter_queue}</code></td>
              <td>{!t.enabled ? "Disabled" : t.active ? "Enabled" : <span title="Its messages wait in the queue.">Paused: the tier has no broker triggers</span>}</td>
              <td className="row-actions">
                <button type="button" className="link" aria-label={`${t.enabled ? "Disable" : "Enable"} RabbitMQ trigger ${label(t)}`}
                  onClick={() => act(() => updateRabbitMqTrigger(id, t.id, { enabled: !t.enabled }))}>
                  {t.enabled ? "Disable" : "Enable"}
                </button>
                <button type="button" className="link danger-link" aria-label={`Delete RabbitMQ trigger ${label(t)}`}
                  onClick={() => act(() => deleteRabbitMqTrigger(id, t.id))}>Delete</button>
              </td>
            </tr>
          ))}
          {items?.length === 0 && <tr><td colSpan={7} className="muted">No RabbitMQ triggers.</td></tr>}
        </tbody>
      </table>
      <form
        className="inline-form trigger-form"
        aria-label="New RabbitMQ trigger"
        onSubmit={async (e) => {
          e.preventDefault();
          const created = await act(() =>
            createRabbitMqTrigger(id, {
              name: form.name.trim() || undefined,
              secret: form.secret.trim(),
              queue: form.queue.trim() || undefined,
              exchange: form.exchange.trim() || undefined,
              routing_key: form.exchange.trim() ? form.routingKey : undefined,
              // Not a number goes as null: the server's message then says what prefetch must be.
              prefetch: form.prefetch.trim() === "" ? undefined : Number(form.prefetch),
            }),
          );
          if (created) setForm({ name: "", secret: form.secret, queue: "", exchange: "", routingKey: "", prefetch: "10" });
        }}
      >
        <label className="field"><span>Trigger name</span><input maxLength={200} {...field("name")} /></label>
        <label className="field">
          <span>Connection secret</span>
          <input list="rabbitmq-secrets" placeholder="holds amqp://…" {...field("secret")} />
          <datalist id="rabbitmq-secrets">{secrets.map((s) => <option key={s} value={s} />)}</datalist>
        </label>
        <label className="field"><span>Queue</span><input {...field("queue")} /></label>
        <label className="field"><span>Exchange</span><input placeholder="optional" {...field("exchange")} /></label>
        <label className="field"><span>Routing key</span><input placeholder="binding key" {...field("routingKey")} /></label>
        <label className="field"><span>Prefetch</span><input inputMode="numeric" size={5} {...field("prefetch")} /></label>
        <button type="submit">Add RabbitMQ trigger</button>
      </form>
    </section>
  );
}
