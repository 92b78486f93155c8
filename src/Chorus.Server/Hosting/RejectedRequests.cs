using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Chorus.Server.Hosting;

/// <summary>Gives the error shape to the requests Kestrel refuses before any middleware runs (a bad request line,
/// <c>%00</c> or invalid UTF-8 in the path, headers over the size limit, a negative Content-Length...). Kestrel
/// answers those itself with an empty body and closes the connection; the application never sees them. Two
/// hooks let us reach them anyway: Kestrel reports each refusal on its diagnostic source (with the request's
/// features) just before it writes the answer, and a connection middleware owns the bytes Kestrel writes. The
/// refused connection's writer then holds Kestrel's answer back, adds the JSON body to its head and sends it.</summary>
internal sealed class RejectedRequests : IObserver<KeyValuePair<string, object?>>
{
    private const string BadRequestEvent = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    private readonly ConcurrentDictionary<string, ShapingWriter> _connections = new();

    public void UseOn(ListenOptions listen) => listen.Use(next => async connection =>
    {
        var writer = new ShapingWriter(connection.Transport.Output);
        var transport = connection.Transport;
        connection.Transport = new DuplexPipe(transport.Input, writer);
        _connections[connection.ConnectionId] = writer;
        try
        {
            await next(connection);
        }
        finally
        {
            _connections.TryRemove(connection.ConnectionId, out _);
            connection.Transport = transport;
        }
    });

    public IDisposable Subscribe(DiagnosticListener listener) => listener.Subscribe(this, name => name == BadRequestEvent);

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != BadRequestEvent || value.Value is not IFeatureCollection features)
            return;
        var connectionId = features.Get<IHttpConnectionFeature>()?.ConnectionId;
        if (connectionId is null || !_connections.TryGetValue(connectionId, out var writer))
            return;
        var error = features.Get<IBadRequestExceptionFeature>()?.Error as Microsoft.AspNetCore.Http.BadHttpRequestException;
        var requestId = features.Get<IHttpRequestIdentifierFeature>()?.TraceIdentifier ?? connectionId;
        writer.ShapeNextResponse(RejectionBodies.For(error?.StatusCode ?? StatusCodes.Status400BadRequest, requestId));
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
