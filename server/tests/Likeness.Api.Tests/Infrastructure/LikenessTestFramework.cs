using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Likeness.Api.Tests.Infrastructure.LikenessTestFramework", "Likeness.Api.Tests")]

namespace Likeness.Api.Tests.Infrastructure;

/// <summary>
/// xunit's own framework, plus the end of the run's clean-up: the runner disposes the framework after the last
/// test, while the test process still runs (vstest kills the process 100 ms after the run, too soon for a
/// ProcessExit handler to drop databases), so the <see cref="PostgresDatabasePool"/>'s databases are dropped here.
/// </summary>
public sealed class LikenessTestFramework : XunitTestFramework
{
    public LikenessTestFramework(IMessageSink messageSink) : base(messageSink) =>
        DisposalTracker.Add(new DropPooledDatabases());

    private sealed class DropPooledDatabases : IDisposable
    {
        public void Dispose() => PostgresDatabasePool.DropAll();
    }
}
