using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Pipeline.Status;

namespace SegmentMiner.Cli.Worker;

/// <summary>
/// <c>segminer run</c>'s additions to the composition root: Quartz with the four jobs and their cron triggers, the job
/// store (in memory, or ADO.NET clustered), the stop that cancels the running job at its next safe point, systemd
/// and Windows service lifetimes, and the health endpoints when configured.
/// </summary>
internal static class WorkerRegistration
{
    public static void AddWorker(HostApplicationBuilder builder, SegmentMinerOptions options, string? healthUrls)
    {
        var worker = options.Worker;
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = worker.ShutdownTimeout);
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "SegmentMiner");
        var urls = healthUrls ?? worker.HealthUrls;
        if (!string.IsNullOrWhiteSpace(urls))
        {
            HealthEndpoints.Add(builder.Services, urls); // before the scheduler: a port it cannot listen on stops the start before any job runs
        }

        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        builder.Services.AddHostedService<ScheduleAnnouncer>();

    }

    /// <summary>
    /// The scheduler (not started): every entry point has it, so that <c>status</c> reads the next fire times from a
    /// shared job store; only <c>run</c> starts it.
    /// </summary>
    public static void AddScheduler(IServiceCollection services, SegmentMinerOptions options)
    {
        services.AddQuartz(q => Configure(q, options));
        if (options.Worker.JobStore.Kind == JobStoreKind.AdoNet)
        {
            services.AddSingleton<IScheduleReader, QuartzScheduleReader>();
        }
    }

    private static void Configure(IQuartzBuilder q, SegmentMinerOptions options)
    {
        var store = options.Worker.JobStore;
        q.ConfigureScheduler(s =>
        {
            s.InstanceName = store.SchedulerName;
            s.GenerateInstanceId = true;
            // A stop cancels the running job (its token), then waits for it: it rolls back at its next safe point
            // and records itself Cancelled, within the host's shutdown timeout.
            s.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
        });
        q.UseDefaultThreadPool(4);
        if (store.Kind == JobStoreKind.AdoNet)
        {
            RequireDriverKeywords(store);
            // Recovered only after two missed check-ins: one late check-in on a busy host is not a death.
            q.UsePersistentStore(s =>
            {
                s.UseClustering(c => { c.Enabled = true; c.CheckinInterval = store.CheckinInterval; c.CheckinMisfireThreshold = 2 * store.CheckinInterval; });
                s.UseSystemTextJsonSerializer();
                s.ConfigureStore(o => o.TablePrefix = store.TablePrefix);
                if (store.Provider == JobStoreProvider.PostgreSQL)
                {
                    s.UsePostgres(store.ConnectionString!);
                }
                else
                {
                    s.UseSqlServer(store.ConnectionString!);
                }
            });
        }

        var s = options.Worker.Schedules;
        // Registration comes before validation: what is invalid here is left out, and the start-up validation
        // (ScheduleValidator) then stops the program with exit 2 naming it, before anything runs.
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(s.TimeZone ?? "", out var z) ? z : TimeZoneInfo.Utc;
        AddJob<SyncJob>(q, JobKeys.Sync, s.Sync, zone);
        AddJob<ProcessJob>(q, JobKeys.Process, s.Process, zone);
        AddJob<PublishJob>(q, JobKeys.Publish, null, zone);
        AddJob<RetentionJob>(q, JobKeys.Retention, s.Retention, zone);
    }

    /// <summary>A firing later than this (held by a running job of its kind, or missed while no worker ran) is a misfire.</summary>
    public static readonly TimeSpan MisfireThreshold = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A durable job, and its cron trigger when it has a schedule. Misfires (the worker was down, or the job was still
    /// running) fire once as soon as possible, then the schedule goes on.
    /// </summary>
    private static void AddJob<T>(IQuartzBuilder q, JobKey key, string? cron, TimeZoneInfo zone) where T : IJob
    {
        q.AddJob<T>(j => j.WithIdentity(key).StoreDurably().DisallowConcurrentExecution().RequestRecovery());
        if (!string.IsNullOrWhiteSpace(cron) && CronExpression.TryParse(cron, out _))
        {
            q.AddTrigger(t => t.ForJob(key).WithIdentity($"{key.Name}-schedule", JobKeys.Group).WithOverlapPolicy(OverlapPolicy.Skip).WithMisfireThreshold(MisfireThreshold)
                .WithCronSchedule(cron, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
        }
    }

    /// <summary>A job store connection string with a keyword its driver does not take (Host= for SQL Server) is exit 2, named.</summary>
    private static void RequireDriverKeywords(JobStoreOptions store)
    {
        if (SettingsRules.Malformed(store.ConnectionString) is { } why)
        {
            throw new Core.ConfigurationException([$"Worker:JobStore:ConnectionString: {why}"]);
        }

        try
        {
            _ = store.Provider == JobStoreProvider.PostgreSQL
                ? (System.Data.Common.DbConnectionStringBuilder)new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString)
                : new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(store.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new Core.ConfigurationException([$"Worker:JobStore:ConnectionString: not one the {store.Provider} driver takes: {e.Message}"]);
        }
    }
}
