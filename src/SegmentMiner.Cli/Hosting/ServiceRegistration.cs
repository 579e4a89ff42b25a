using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Core.Mining;
using SegmentMiner.Core.Models;
using SegmentMiner.Pipeline;
using SegmentMiner.Pipeline.Demo;
using SegmentMiner.Pipeline.Jobs;
using SegmentMiner.Pipeline.Models;
using SegmentMiner.Pipeline.Publishing;
using SegmentMiner.Pipeline.Reporting;
using SegmentMiner.Pipeline.Querying;
using SegmentMiner.Pipeline.Retention;
using SegmentMiner.Pipeline.Serving;
using SegmentMiner.Pipeline.Status;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.DuckDb;
using SegmentMiner.Warehouse.SqlServer;
using SegmentMiner.Warehouse.Sync;

namespace SegmentMiner.Cli.Hosting;

/// <summary>
/// The composition root: the one registration every entry point uses (each CLI command and the worker). Only here is
/// the warehouse (<c>Warehouse:Provider</c>) or the mining server (<c>Mining:Server</c>) chosen; everything else
/// receives what was chosen.
/// </summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddSegmentMiner(this IServiceCollection services, IConfiguration configuration)
    {
        AddSettings(services, configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new DataFolder(sp.GetRequiredService<SegmentMinerOptions>().DataDir));
        services.AddSingleton(sp => new Lazy<ModelCatalog>(() => ModelCatalog.Load(sp.GetRequiredService<SegmentMinerOptions>().Mining.ModelsFolder)));
        // Partitioned definitions (product personas) are split by the values in the warehouse each time they are asked for.
        services.AddSingleton<Func<ModelCatalog>>(sp => () => sp.GetRequiredService<Lazy<ModelCatalog>>().Value
            .Partitioned(m => PartitionValues.Read(sp.GetRequiredService<IWarehouseBackend>().Reader, m)));
        services.AddSingleton(Warehouse);
        services.AddScoped(MiningServer);
        Worker.WorkerRegistration.AddScheduler(services, OptionsLoader.BindOnly(configuration));
        services.TryAddSingleton<IScheduleReader, NoSchedules>();

        services.TryAddScoped<ISyncService>(sp => sp.GetRequiredService<IWarehouseBackend>() is SqlServerBackend sqlServer
            ? sqlServer.CreateSync(sp.GetRequiredService<SegmentMinerOptions>(), sp.GetRequiredService<DataFolder>(), sp.GetRequiredService<ILogger<SqlServerSync>>(), sp.GetRequiredService<TimeProvider>())
            : new SyncService(sp.GetRequiredService<SegmentMinerOptions>(), sp.GetRequiredService<DataFolder>(), sp.GetRequiredService<ILogger<SyncService>>(), clock: sp.GetRequiredService<TimeProvider>()));
        services.TryAddScoped<IModelService, ModelService>();
        services.TryAddScoped<IPublishService>(sp => new PublishService(
            sp.GetRequiredService<SegmentMinerOptions>(), sp.GetRequiredService<IWarehouseBackend>(), sp.GetRequiredService<IMiningServer>(), sp.GetRequiredService<ILogger<PublishService>>()));
        services.TryAddScoped<IStatusService, StatusService>();
        services.TryAddScoped<IRetentionService, RetentionService>();
        services.AddScoped<QueryService>();
        services.AddScoped<ReportService>();
        services.AddScoped<JobSteps>();
        services.AddScoped<JobChain>();
        services.AddScoped<DemoService>();
        services.AddScoped<EndpointService>();
        return services;
    }

    /// <summary>
    /// Each section bound as options of its own and validated at start (its rules, and Quartz's parser for the cron
    /// expressions); the settings at the root (the data folder, the SQL sources) with theirs. The whole, for the use
    /// cases that read several sections, is assembled from the same validated sections.
    /// </summary>
    private static void AddSettings(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SegmentMinerOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SegmentMinerOptions>>(new RulesValidator<SegmentMinerOptions>(SettingsRules.Root));
        Section<WarehouseOptions>(services, configuration, "Warehouse", SettingsRules.Warehouse);
        Section<SyncOptions>(services, configuration, "Sync", SettingsRules.Sync);
        Section<MiningOptions>(services, configuration, "Mining", SettingsRules.Mining);
        Section<PublishOptions>(services, configuration, "Publish", SettingsRules.Publish);
        Section<RetentionOptions>(services, configuration, "Retention", SettingsRules.Retention);
        Section<WorkerOptions>(services, configuration, "Worker", SettingsRules.Worker);
        services.AddSingleton<IValidateOptions<WorkerOptions>, ScheduleValidator>();
        services.AddSingleton(sp =>
        {
            var all = sp.GetRequiredService<IOptions<SegmentMinerOptions>>().Value;
            all.Warehouse = sp.GetRequiredService<IOptions<WarehouseOptions>>().Value;
            all.Sync = sp.GetRequiredService<IOptions<SyncOptions>>().Value;
            all.Mining = sp.GetRequiredService<IOptions<MiningOptions>>().Value;
            all.Publish = sp.GetRequiredService<IOptions<PublishOptions>>().Value;
            all.Retention = sp.GetRequiredService<IOptions<RetentionOptions>>().Value;
            all.Worker = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            return all;
        });
    }

    private static void Section<T>(IServiceCollection services, IConfiguration configuration, string name, Func<T, IEnumerable<string>> rules) where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(name)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new RulesValidator<T>(rules));
    }

    private static IWarehouseBackend Warehouse(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<SegmentMinerOptions>();
        return options.Warehouse.Provider switch
        {
            WarehouseProvider.SqlServer => new SqlServerBackend(options.Warehouse.ConnectionString!, options.Warehouse.CommandTimeout),
            _ => new DuckDbBackend(sp.GetRequiredService<DataFolder>(), options.Warehouse, options.Sync),
        };
    }

    private static IMiningServer MiningServer(IServiceProvider sp) =>
        MiningServers.Create(
            sp.GetRequiredService<SegmentMinerOptions>(), sp.GetRequiredService<DataFolder>(), sp.GetRequiredService<IWarehouseBackend>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("SegmentMiner.Mining"));
}
