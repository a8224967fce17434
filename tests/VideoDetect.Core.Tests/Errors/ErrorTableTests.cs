using System.Reflection;
using VideoDetect.Errors;
using Xunit;

namespace VideoDetect.Tests.Errors;

/// <summary>
/// The one id → category table: every id of <see cref="ErrorIds"/> is in it once, and the shipped
/// about_VideoDetect_Errors topic is exactly what the table renders. Set VIDEODETECT_WRITE_TOPICS=1
/// to rewrite the topic from the table (then commit it); without it a difference fails.
/// </summary>
public class ErrorTableTests
{
    private static string[] Ids() => typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    [Fact]
    public void Every_error_id_is_in_the_table_once_and_the_table_holds_nothing_else()
    {
        var ids = Ids();
        Assert.True(ids.Length > 30);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ErrorTable.Entries.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.All(ErrorTable.Entries, e => Assert.False(string.IsNullOrWhiteSpace(e.When), e.Id));
        Assert.Equal(ErrorKind.ObjectNotFound, ErrorTable.KindOf(ErrorIds.ResultNotFound));
        Assert.Equal(ErrorKind.ResourceExists, ErrorTable.KindOf(ErrorIds.OutputExists));
        Assert.Throws<KeyNotFoundException>(() => ErrorTable.KindOf("NoSuchId"));
    }

    [Fact]
    public void The_errors_topic_is_the_one_the_table_renders()
    {
        string root = Fixtures.RepositoryRoot() ?? throw new InvalidOperationException("The repository root (VideoDetect.sln) is not above the test assembly.");
        string file = Path.Combine(root, "module", "en-US", ErrorsTopic.FileName);
        string expected = ErrorsTopic.Render();
        if (Environment.GetEnvironmentVariable("VIDEODETECT_WRITE_TOPICS") == "1") File.WriteAllText(file, expected);
        Assert.True(File.Exists(file), $"{file} is missing: run the tests once with VIDEODETECT_WRITE_TOPICS=1.");
        Assert.Equal(expected, File.ReadAllText(file).ReplaceLineEndings("\n"));
        foreach (var entry in ErrorTable.Entries) Assert.Contains($"    {entry.Id} ({entry.Kind})\n", expected);
    }
}
