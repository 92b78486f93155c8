using Chorus.Server.Brokers.RabbitMq;
using Chorus.Server.Hosting;

namespace Chorus.Server.Tests.Hosting;

public sealed class RabbitMqEventsOptionsTests
{
    private static ServerOptions From(string? url, string? exchange = null) =>
        ServerOptions.FromEnvironment(name => name switch
        {
            "EVENTS_RABBITMQ_URL" => url,
            "EVENTS_RABBITMQ_EXCHANGE" => exchange,
            _ => null,
        });

    [Fact]
    public void FromEnvironment_NoUrl_PublishesNowhere() => Assert.Null(From(null).RabbitMqEvents);

    [Fact]
    public void FromEnvironment_UrlAlone_PublishesToTheDefaultExchange()
    {
        var settings = From(" amqp://app:pw@broker.internal:5673/prod ").RabbitMqEvents!;

        Assert.Equal("amqp://app:pw@broker.internal:5673/prod", settings.Url);
        Assert.Equal(RabbitMqEventsSettings.DefaultExchange, settings.Exchange);
        Assert.Equal("chorus.events", settings.Exchange);
    }

    [Fact]
    public void FromEnvironment_UrlAndExchange_PublishesToThatExchange() =>
        Assert.Equal("ops.events", From("amqps://broker.example.com", "ops.events").RabbitMqEvents!.Exchange);

    [Theory]
    [InlineData("redis://secret-pw@host:6379", null, "EVENTS_RABBITMQ_URL")]
    [InlineData("not a url secret-pw", null, "EVENTS_RABBITMQ_URL")]
    [InlineData("amqp://u:secret-pw@host", "amq.topic", "EVENTS_RABBITMQ_EXCHANGE")]
    [InlineData(null, "chorus.events", "EVENTS_RABBITMQ_EXCHANGE")]
    public void FromEnvironment_MalformedValue_StopsTheStart_NamingTheVariable_NeverThePassword(string? url, string? exchange, string variable)
    {
        var error = Assert.Throws<OptionsException>(() => From(url, exchange));

        Assert.StartsWith(variable + ":", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_ExchangeNameOver255Bytes_IsRefused() =>
        Assert.Throws<OptionsException>(() => From("amqp://host", new string('e', 256)));
}
