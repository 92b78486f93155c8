using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>A workflow's RabbitMQ triggers in the triggers panel, against a real rabbitmq-server: created from the form,
/// the trigger reads its queue; disabled and deleted from its row; the API's refusals shown as it words them.</summary>
public sealed class RabbitMqTriggersTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private WebUiServer Server => browser.Server;

    [Fact]
    public async Task Trigger_CreatedFromTheForm_ReadsItsQueue_ThenDisabledAndDeleted()
    {
        await using var broker = await RabbitMqProcess.StartAsync();
        await using var rabbit = new RabbitMqClient(broker.Url);
        var tenant = WebUiServer.NewTenant();
        var queue = "ui-" + Guid.NewGuid().ToString("N")[..8];
        var id = await Server.CreateWorkflowAsync(tenant, "Fed by RabbitMQ");
        var (status, _) = await Server.ApiAsync(HttpMethod.Post, "api/secrets", tenant, new JsonObject { ["name"] = "rabbit", ["value"] = broker.Url });
        Assert.Equal(201, status);
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync($"/ui/workflows/{id}/triggers");

        await Expect(page.GetByText("No RabbitMQ triggers.")).ToBeVisibleAsync();
        await page.GetByLabel("Trigger name").FillAsync("orders");
        await page.GetByLabel("Connection secret").FillAsync("rabbit");
        await page.GetByLabel("Queue", new() { Exact = true }).FillAsync(queue);
        await page.GetByLabel("Prefetch").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add RabbitMQ trigger" }).ClickAsync();

        var row = page.GetByTestId("rabbitmq-row");
        await Expect(row).ToContainTextAsync(queue);
        await Expect(row).ToContainTextAsync(queue + ".dead");
        await Expect(row).ToContainTextAsync("rabbit");
        await Expect(row).ToContainTextAsync("Enabled");
        await Expect(page.Locator("body")).Not.ToContainTextAsync("guest:guest");
        var (_, list) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{id}/rabbitmq-triggers", tenant);
        var trigger = Assert.Single(list!["items"]!.AsArray())!;
        Assert.Equal(5, trigger["prefetch"]!.GetValue<int>());
        Assert.Equal("orders", trigger["name"]!.GetValue<string>());

        await rabbit.DeclareQueueAsync(queue);
        await rabbit.PublishAsync(queue, RabbitMqClient.Json(new JsonObject { ["order"] = 7 }), messageId: "ui-7");
        var execution = await WaitForExecutionAsync(tenant, id);
        Assert.Equal(7, execution["input"]!["order"]!.GetValue<int>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Disable RabbitMQ trigger orders" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Disabled");
        (_, list) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{id}/rabbitmq-triggers", tenant);
        Assert.False(list!["items"]![0]!["enabled"]!.GetValue<bool>());
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable RabbitMQ trigger orders" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Enabled");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete RabbitMQ trigger orders" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.GetByText("No RabbitMQ triggers.")).ToBeVisibleAsync();
        (_, list) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{id}/rabbitmq-triggers", tenant);
        Assert.Empty(list!["items"]!.AsArray());
    }

    [Fact]
    public async Task Refusals_AreShownAsTheApiWordsThem_AndCreateNothing()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await Server.CreateWorkflowAsync(tenant, "Refused");
        await Server.ApiAsync(HttpMethod.Post, "api/secrets", tenant, new JsonObject { ["name"] = "rabbit", ["value"] = "amqp://guest:guest@127.0.0.1:1/" });
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync($"/ui/workflows/{id}/triggers");

        await page.GetByLabel("Connection secret").FillAsync("nope");
        await page.GetByLabel("Queue", new() { Exact = true }).FillAsync("orders");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add RabbitMQ trigger" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The secret 'nope' does not exist");

        await page.GetByLabel("Connection secret").FillAsync("rabbit");
        await page.GetByLabel("Prefetch").FillAsync("5000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add RabbitMQ trigger" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("'prefetch' is a whole number from 1 to 1000");

        await Expect(page.GetByText("No RabbitMQ triggers.")).ToBeVisibleAsync();
        var (_, list) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{id}/rabbitmq-triggers", tenant);
        Assert.Empty(list!["items"]!.AsArray());
    }

    private async Task<JsonNode> WaitForExecutionAsync(string tenant, string workflowId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (_, executions) = await Server.ApiAsync(HttpMethod.Get, $"api/executions?workflow_id={workflowId}", tenant);
            if (executions!["items"]!.AsArray() is [{ } first, ..])
                return first;
            Assert.True(DateTime.UtcNow < deadline, "the published message started no execution in 30 s");
            await Task.Delay(200);
        }
    }
}
