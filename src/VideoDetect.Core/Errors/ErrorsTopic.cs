using System.Text;

namespace VideoDetect.Errors;

/// <summary>
/// Renders the about_VideoDetect_Errors help topic from <see cref="ErrorTable"/>, so the topic
/// cannot drift from the ids: a test compares module/en-US/about_VideoDetect_Errors.help.txt with
/// <see cref="Render"/> and fails on any difference (and rewrites the file when asked to).
/// </summary>
public static class ErrorsTopic
{
    /// <summary>The topic's file name in module/en-US.</summary>
    public const string FileName = "about_VideoDetect_Errors.help.txt";

    private const int Width = 76;

    /// <summary>The whole topic, with "\n" line ends.</summary>
    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("TOPIC\n    about_VideoDetect_Errors\n\n");
        text.Append("SHORT DESCRIPTION\n    Every error id VideoDetect reports, its category, and when it happens.\n\n");
        text.Append("LONG DESCRIPTION\n");
        Paragraph(text, "Each error a VideoDetect cmdlet writes carries an id: its FullyQualifiedErrorId is " +
            "\"<id>,VideoDetect.Commands.<Cmdlet>Command\" (for example " +
            "\"OutputExists,VideoDetect.Commands.ExportAnnotatedVideoCommand\"), its CategoryInfo.Category is " +
            "the category below, whichever cmdlet reports it. An error the module raises itself reaches $_.Exception " +
            "as one type per id, a VideoDetect.Errors.VideoDetectException whose ErrorId property is the id " +
            "(for example VideoDetect.Results.OutputExistsException from every writer); one the file system " +
            "raises (a path that names nothing, an I/O error) keeps .NET's exception. Ids are API: scripts and " +
            "Pester tests may assert them, and an id is never renamed.", 4);
        Paragraph(text, "An error about one input (a video, a frame, a source's output) is non-terminating: " +
            "the other inputs go on. Errors marked terminating end the command. This topic is generated from " +
            "the module's error table (VideoDetect.Errors.ErrorTable).", 4);
        text.Append("  ERROR IDS\n");
        foreach (var entry in ErrorTable.Entries)
        {
            text.Append("    ").Append(entry.Id).Append(" (").Append(entry.Kind).Append(")\n");
            Paragraph(text, entry.When, 8);
        }
        text.Append("SEE ALSO\n    about_VideoDetect\n    Get-Help <cmdlet> -Full (the NOTES of each cmdlet)\n");
        return text.ToString();
    }

    /// <summary>Appends <paramref name="words"/> wrapped at <see cref="Width"/>, indented, and a blank line.</summary>
    private static void Paragraph(StringBuilder text, string words, int indent)
    {
        var line = new StringBuilder();
        foreach (string word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && indent + line.Length + 1 + word.Length > Width)
            {
                text.Append(' ', indent).Append(line).Append('\n');
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) text.Append(' ', indent).Append(line).Append('\n');
        text.Append('\n');
    }
}
