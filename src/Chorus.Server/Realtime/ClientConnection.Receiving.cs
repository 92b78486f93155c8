using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using Chorus.Engine;
using Chorus.Server.Security;

namespace Chorus.Server.Realtime;

internal sealed partial class ClientConnection
{
    private long _messageCount;

    /// <summary>Runs the connection until it closes: the send task in the background, the receive loop here.</summary>
    public async Task RunAsync(RealtimeHub hub, CancellationToken requestAborted)
    {
        var sending = Task.Run(SendLoopAsync, CancellationToken.None);
        using var deadline = CloseUnlessAuthenticatedIn(hub);
        try
        {
            await ReceiveLoopAsync(hub, requestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The client went away or the connection was aborted after a close timeout: nothing to answer.
        }
        finally
        {
            Close(WebSocketCloseStatus.NormalClosure, "", flush: false);
            await sending.ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync(RealtimeHub hub, CancellationToken ct)
    {
        var chunk = new byte[4096];
        var message = new ArrayBufferWriter<byte>(4096);
        var oversized = false;
        while (true)
        {
            var frame = await _socket.ReceiveAsync(chunk.AsMemory(), ct).ConfigureAwait(false);
            if (frame.MessageType == WebSocketMessageType.Close)
            {
                // The client closes (or answers our close): reply at once, dropping what it would no longer read.
                Close(WebSocketCloseStatus.NormalClosure, "", flush: false);
                return;
            }
            // Past the limit the rest of the message is read and thrown away, so the connection stays in step.
            if (!oversized && message.WrittenCount + frame.Count <= _options.MaxMessageBytes)
                message.Write(chunk.AsSpan(0, frame.Count));
            else
                oversized = true;
            if (!frame.EndOfMessage)
                continue;
            var requestId = NextRequestId();
            if (frame.MessageType == WebSocketMessageType.Binary)
                Send(ServerMessages.Error(requestId, ErrorCodes.InvalidInput, "Messages must be text frames holding JSON, not binary frames."));
            else if (oversized)
                Send(ServerMessages.Error(requestId, ErrorCodes.PayloadTooLarge, $"A message may hold at most {_options.MaxMessageBytes} bytes.",
                    new System.Text.Json.Nodes.JsonObject { ["limit_bytes"] = _options.MaxMessageBytes }));
            else
                await HandleAsync(hub, message.WrittenMemory, requestId).ConfigureAwait(false);
            message.ResetWrittenCount();
            oversized = false;
        }
    }

    /// <summary>Answers one message. Whatever goes wrong is an error message to the client; the connection stays usable.</summary>
    private async Task HandleAsync(RealtimeHub hub, ReadOnlyMemory<byte> utf8, string requestId)
    {
        try
        {
            switch (ClientMessages.Parse(utf8.Span, _options.MaxSubscriptions))
            {
                case ClientMessage.Ping:
                    Send(ServerMessages.Pong(hub.Now));
                    break;
                case ClientMessage.Authenticate auth:
                    var identity = await hub.Access.AuthenticateAsync(auth.Token, auth.TenantId, Identity).ConfigureAwait(false);
                    Identity = identity;
                    Send(ServerMessages.Authenticated(identity.Tenant));
                    break;
                case ClientMessage.Subscribe subscribe:
                    var subscriber = RequireIdentity(hub);
                    var snapshots = hub.Subscribe(this, subscriber, subscribe.Topics);
                    await hub.SendSnapshotsAsync(this, subscriber, snapshots).ConfigureAwait(false);
                    break;
                case ClientMessage.Unsubscribe unsubscribe:
                    RequireIdentity(hub);
                    hub.Unsubscribe(this, unsubscribe.Topics);
                    break;
            }
        }
        catch (ChorusException ex)
        {
            Send(ServerMessages.Error(requestId, ex));
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "WebSocket message {RequestId} failed", requestId);
            Send(ServerMessages.Error(requestId, "internal_error", "An unexpected error occurred; the request id identifies it in the server log."));
        }
    }

    private Caller RequireIdentity(RealtimeHub hub)
    {
        var identity = Identity ?? throw new ChorusException(ErrorCodes.Unauthorized,
            "Authenticate first: send Authorization: Bearer <token> (and X-Tenant-ID) with the upgrade request, or an authenticate message " +
            "{\"action\": \"authenticate\", \"token\": \"...\", \"tenant_id\": \"...\"}.");
        if (RealtimeAccess.HasExpired(identity, hub.Now))
            throw new ChorusException(ErrorCodes.Unauthorized, "The token has expired: authenticate again with a fresh one.");
        return hub.Access.IsRevoked(identity)
            ? throw new ChorusException(ErrorCodes.Unauthorized, "The API key has been revoked: authenticate again with a valid credential.")
            : identity;
    }

    /// <summary>A client that has not authenticated within <see cref="RealtimeOptions.AuthenticateWithin"/> is told so
    /// and closed: an anonymous connection must not hold a socket for ever.</summary>
    private CancellationTokenRegistration CloseUnlessAuthenticatedIn(RealtimeHub hub)
    {
        if (Identity is not null)
            return default;
        var timer = new CancellationTokenSource(_options.AuthenticateWithin, hub.Time);
        return timer.Token.Register(() =>
        {
            timer.Dispose();
            if (Identity is not null)
                return;
            Send(ServerMessages.Error(Id + "-authenticate", ErrorCodes.Unauthorized,
                $"No credential within {_options.AuthenticateWithin.TotalSeconds:0} s: the connection is closed."));
            Close(WebSocketCloseStatus.PolicyViolation, "not authenticated in time", flush: true);
        });
    }

    private string NextRequestId() =>
        Id + "-" + Interlocked.Increment(ref _messageCount).ToString(CultureInfo.InvariantCulture);
}
