import { useEffect, useState } from "react";
import { createWebhook, deleteWebhook, listWebhooks, rotateWebhook, updateWebhook, type WebhookTrigger } from "../../api/triggers";
import { CopyField } from "./CopyField";
import { errorText } from "./download";

export function WebhooksSection({ id }: { id: string }) {
  const [items, setItems] = useState<WebhookTrigger[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [mode, setMode] = useState("hmac");
  const [revealed, setRevealed] = useState<WebhookTrigger | null>(null);
  const load = () => listWebhooks(id).then((p) => setItems(p.items)).catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, [id]);

  const act = async (what: () => Promise<WebhookTrigger | void>) => {
    setError(null);
    try {
      const answer = await what();
      if (answer && answer.secret) setRevealed(answer);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhook triggers</h2>
      {error && <p className="error" role="alert">{error}</p>}
      {revealed && (
        <div className="panel secret-panel" role="region" aria-label="New webhook secret">
          <p><strong>Store this secret now:</strong> it is shown only this once. Rotate the trigger to get a new one.</p>
          <CopyField label="URL" value={revealed.url} />
          <CopyField label="Secret" value={revealed.secret ?? ""} />
          <p className="hint muted">
            Sign each call: <code>{revealed.signature_header}: sha256=HMAC(secret, "timestamp.body")</code> and{" "}
            <code>{revealed.timestamp_header}</code>
            {revealed.auth_mode === "hmac_or_token" && <>, or send the secret as <code>Authorization: Bearer</code></>}.
          </p>
          <button type="button" className="secondary" onClick={() => setRevealed(null)}>Done</button>
        </div>
      )}
      <table className="list">
        <thead>
          <tr><th>Name</th><th>URL</th><th>Enabled</th><th><span className="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {(items ?? []).map((w) => (
            <tr key={w.id} data-testid="webhook-row">
              <td>{w.name || <span className="muted">unnamed</span>}</td>
              <td><code className="url">{w.url}</code></td>
              <td>{w.enabled ? "Enabled" : "Disabled"}</td>
              <td className="row-actions">
                <button type="button" className="link" aria-label={`${w.enabled ? "Disable" : "Enable"} webhook ${w.name || w.id}`}
                  onClick={() => act(() => updateWebhook(id, w.id, { enabled: !w.enabled }))}>
                  {w.enabled ? "Disable" : "Enable"}
                </button>
                <button type="button" className="link" aria-label={`Rotate the secret of webhook ${w.name || w.id}`}
                  onClick={() => act(() => rotateWebhook(id, w.id))}>Rotate secret</button>
                <button type="button" className="link danger-link" aria-label={`Delete webhook ${w.name || w.id}`}
                  onClick={() => act(() => deleteWebhook(id, w.id))}>Delete</button>
              </td>
            </tr>
          ))}
          {items?.length === 0 && <tr><td colSpan={4} className="muted">No webhook triggers.</td></tr>}
        </tbody>
      </table>
      <form
        className="inline-form trigger-form"
        aria-label="New webhook trigger"
        onSubmit={(e) => {
          e.preventDefault();
          act(() => createWebhook(id, { name: name.trim() || undefined, auth_mode: mode }));
          setName("");
        }}
      >
        <label className="field"><span>Webhook name</span><input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} /></label>
        <label className="field">
          <span>Authentication</span>
          <select value={mode} onChange={(e) => setMode(e.target.value)}>
            <option value="hmac">Signature (HMAC)</option>
            <option value="hmac_or_token">Signature or the secret as a token</option>
          </select>
        </label>
        <button type="submit">Add webhook</button>
      </form>
    </section>
  );
}
