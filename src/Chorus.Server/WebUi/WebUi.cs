using System.IO.Compression;
using Chorus.Engine;
using Chorus.Server.Api;
using Chorus.Server.Security;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.FileProviders;

namespace Chorus.Server.WebUi;

/// <summary>The web UI: the bundle built from <c>web/</c> and committed under WebUi/Bundle, embedded in this assembly so
/// that a clone with only the .NET SDK serves it. Its files hold no data, so they need no credential; the pages call
/// the API with the user's credential like any other client.</summary>
internal static class WebUi
{
    /// <summary>Client-side routes; nothing in the API or the compatible routes starts with it.</summary>
    public const string RoutePrefix = "/ui";

    /// <summary>Vite writes every script and stylesheet here under a content-hashed name.</summary>
    private const string AssetsPrefix = "/assets";

    private static readonly IFileProvider Bundle = new ManifestEmbeddedFileProvider(typeof(WebUi).Assembly, "WebUi/Bundle");

    private static readonly CompressedAssets Compressed = new(Bundle);

    /// <summary>Cached for a year: a new build has new names.</summary>
    public const string AssetCacheControl = "public, max-age=31536000, immutable";

    public static void AddWebUi(this IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            // Only the SPA's page goes through this (see UseWebUi; the assets are compressed once, by CompressedAssets):
            // public, static text, so compressing it over HTTPS reveals nothing (no secret sits beside attacker-chosen text).
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
    }

    /// <summary>Serves the hashed assets before any credential check, the scripts and stylesheets compressed once
    /// (<see cref="CompressedAssets"/>); an unknown asset is a 404 in the error shape. The pages are compressed per
    /// response (they are small).</summary>
    public static void UseWebUi(this WebApplication app)
    {
        app.UseWhen(IsPage, branch => branch.UseResponseCompression());
        app.MapWhen(http => http.Request.Path.StartsWithSegments(AssetsPrefix), branch =>
        {
            branch.Use(async (http, next) =>
            {
                if (!await Compressed.TryServeAsync(http).ConfigureAwait(false))
                    await next(http).ConfigureAwait(false);
            });
            branch.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = Bundle,
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = AssetCacheControl,
            });
            branch.Run(http => ApiErrors.WriteAsync(http, ErrorCodes.NotFound, $"There is no web UI asset at {http.Request.Path}."));
        });
    }

    /// <summary>Every client-side route answers the SPA's page; the app decides what to show.</summary>
    public static void MapWebUi(this IEndpointRouteBuilder app)
    {
        // Pages for browsers, not API routes: left out of the API's description.
        app.MapGet(RoutePrefix, Index).AllowWithoutCredential().ExcludeFromDescription();
        app.MapGet(RoutePrefix + "/{**path}", Index).AllowWithoutCredential().ExcludeFromDescription();
    }

    /// <summary>The SPA's page, never cached (it names the current assets).</summary>
    public static IResult Index(HttpContext http)
    {
        var file = Bundle.GetFileInfo("index.html");
        if (!file.Exists)
            return ApiErrors.Result(http, ErrorCodes.NotFound, "This server was built without the web UI bundle.");
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Stream(file.CreateReadStream(), "text/html; charset=utf-8");
    }

    private static bool IsPage(HttpContext http) =>
        http.Request.Path == "/" || http.Request.Path.StartsWithSegments(RoutePrefix);
}
