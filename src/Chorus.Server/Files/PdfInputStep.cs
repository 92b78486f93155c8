using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace Chorus.Server.Files;

/// <summary>The <c>pdfInput</c> step: extracts the text of a PDF, page by page in reading order, from the tenant's file
/// store or a URL. Output <c>{pages: [{number, text}], text, page_count}</c>; at most <c>max_pages</c> pages are read
/// (the first ones), while <c>page_count</c> is the document's. A damaged or encrypted PDF fails without retries.</summary>
internal sealed class PdfInputStep(TenantFiles files) : IStepHandler
{
    public const string StepType = "pdfInput";
    public const int DefaultMaxPages = 100;
    public const int MaxMaxPages = 2_000;

    private static readonly string[] Fields = ["file_id", "url", "max_pages"];

    public string Type => StepType;

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var issues = ConfigFields.Unknown(step.Config, StepType, Fields).Concat(FileStepSource.Validate(step.Config));
        return ConfigFields.CheckInteger(step.Config, "max_pages", 1, MaxMaxPages) is { } pages ? issues.Append(pages) : issues;
    }

    public StepDescription Describe() => FileStepDescriptions.PdfInput;

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var maxPages = ConfigFields.Integer(context.Config, "max_pages", 1, MaxMaxPages) ?? DefaultMaxPages;
        try
        {
            var file = await FileStepSource.ReadAsync(context, files, cancellationToken).ConfigureAwait(false);
            if (!file.Content.AsSpan().StartsWith("%PDF-"u8))
                throw new FileStepException(FileStepSource.FileUnreadable, $"{file.Name} is not a PDF document.");
            var (pages, count) = Extract(file, maxPages, cancellationToken);
            context.Log("info", $"Read {pages.Count} of {count} pages of {file.Name}");
            return StepResult.Done(new JsonObject
            {
                ["pages"] = new JsonArray([.. pages.Select((text, i) => (JsonNode)new JsonObject { ["number"] = i + 1, ["text"] = text })]),
                ["text"] = string.Join("\n\n", pages),
                ["page_count"] = count,
            });
        }
        catch (FileStepException ex)
        {
            return ex.ToResult();
        }
    }

    private static (List<string> Pages, int Count) Extract(SourceFile file, int maxPages, CancellationToken ct)
    {
        try
        {
            using var document = PdfDocument.Open(file.Content, new ParsingOptions { UseLenientParsing = false });
            var pages = new List<string>();
            for (var number = 1; number <= Math.Min(document.NumberOfPages, maxPages); number++)
            {
                ct.ThrowIfCancellationRequested();
                pages.Add(ContentOrderTextExtractor.GetText(document.GetPage(number)).Trim());
            }
            return (pages, document.NumberOfPages);
        }
        catch (PdfDocumentEncryptedException)
        {
            throw new FileStepException(FileStepSource.FileUnreadable, $"{file.Name} is encrypted; its text cannot be read.");
        }
        catch (Exception ex) when (ex is not (FileStepException or OperationCanceledException))
        {
            // PdfPig reports a damaged document with its own exceptions and with the ones of what it parses.
            throw new FileStepException(FileStepSource.FileUnreadable, $"{file.Name} is not a readable PDF document ({ex.GetType().Name}).");
        }
    }
}
