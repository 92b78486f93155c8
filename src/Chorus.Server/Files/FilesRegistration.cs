using Chorus.Engine.Hosting;

namespace Chorus.Server.Files;

/// <summary>The tenants' file store in a Chorus server: its service, its retention, and the steps that read and
/// write files.</summary>
internal static class FilesRegistration
{
    public static IServiceCollection AddFiles(this IServiceCollection services, TenantFiles files)
    {
        services.AddSingleton(files);
        services.AddSingleton<Engine.Steps.IPayloadOffload>(new PayloadOffload(files));
        services.AddSingleton<FileRetention>();
        services.AddHostedService<FileRetentionService>();
        return services;
    }

    /// <summary>The step types that read files (excelInput, pdfInput) and write them (csvOutput, xlsxOutput).</summary>
    public static ChorusBuilder AddFileSteps(this ChorusBuilder chorus, TenantFiles files) => chorus.ConfigureSteps(steps =>
    {
        steps.Register(new ExcelInputStep(files));
        steps.Register(new PdfInputStep(files));
        steps.Register(new RecordsOutputStep(files, xlsx: false));
        steps.Register(new RecordsOutputStep(files, xlsx: true));
    });
}
