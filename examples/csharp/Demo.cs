// Uses the .NET binding the way a records system would, and checks what it gets: load a
// model, classify messages made three ways, read decisions, and handle errors as exceptions
// carrying the library's message. Exit status 0 when every check held.
//
//   mcs -unsafe -out:Demo.exe Signatur.cs Demo.cs
//   LD_LIBRARY_PATH=/path/to/lib mono Demo.exe MODEL.onnx
using System;
using System.Collections.Generic;
using System.Text;
using Signatur;

static class Demo
{
    static int failures;

    static void Expect(bool ok, string what)
    {
        if (!ok)
        {
            Console.Error.WriteLine("expected: " + what);
            failures++;
        }
    }

    static void Print(string title, Decision d)
    {
        Console.WriteLine(title);
        foreach (var head in d.Heads)
        {
            Console.WriteLine("  {0} => {1} ({2:F3}){3}", head.Name, head.Labels[0].Name, head.Labels[0].Probability,
                head.Abstains ? ", abstains" : "");
            foreach (var e in head.Explanation)
            {
                Console.WriteLine("     because of \"{0}\" (+{1:F3})", e.Text, e.Weight);
            }
        }
        foreach (var r in d.References)
        {
            Console.WriteLine("  refers to {0} (kind {1})", r.Masked, r.Kind);
        }
    }

    static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Demo.exe MODEL.onnx");
            return 2;
        }
        Console.WriteLine("libsignatur " + Model.LibraryVersion);

        // Errors are exceptions with the library's own message.
        try
        {
            using (Model.Load("/nonexistent/model.onnx")) { }
            Expect(false, "loading a missing model throws");
        }
        catch (SignaturException e)
        {
            Console.WriteLine("expected failure: " + e.Message);
            Expect(e.Status == Status.Io, "status Io, got " + e.Status);
            Expect(e.Message.Contains("/nonexistent/model.onnx"), "the message names the file");
        }
        try
        {
            // The span overload takes UTF-8 as it is; this is not UTF-8.
            using (Message.FromText(new byte[] { 0x4b, 0xf8, 0x62 })) { }
            Expect(false, "invalid UTF-8 throws");
        }
        catch (SignaturException e)
        {
            Expect(e.Status == Status.InvalidUtf8, "status InvalidUtf8, got " + e.Status);
        }
        try
        {
            using (Model.FromBytes(new byte[] { 1, 2, 3 })) { }
            Expect(false, "a corrupt model throws");
        }
        catch (SignaturException e)
        {
            Expect(e.Status == Status.InvalidModel, "status InvalidModel, got " + e.Status);
        }

        using (var model = Model.Load(args[0]))
        {
            var heads = model.Heads;
            Expect(heads.ContainsKey("label") && heads["label"].Count == 3, "head label with 3 labels");

            byte[] raw = Encoding.UTF8.GetBytes(
                "From: Anna <anna@example.dk>\r\nTo: post@kommune.dk\r\nSubject: Byggetilladelse\r\n" +
                "Content-Type: text/plain; charset=utf-8\r\n\r\nJeg søger byggetilladelse til en carport.\r\n");
            using (var m = Message.FromBytes(raw))
            {
                var d = model.Classify(m);
                Print("message 1 (RFC 5322):", d);
                Expect(d.Heads[0].Labels[0].Name == "byg", "message 1 is byg");
            }
            using (var m = Message.FromText("Vores skraldespand er ikke blevet tømt. Ring på tlf. 86 12 34 56."))
            {
                var d = model.Classify(m, 1, 0);
                Print("message 2 (text):", d);
                Expect(d.Heads[0].Labels.Count == 1 && d.Heads[0].Explanation.Count == 0, "options applied");
                Expect(d.Heads[0].Labels[0].Name == "affald", "message 2 is affald");
                Expect(d.References.Count == 1 && d.References[0].Masked == "+45XXXXXXXX", "the phone, masked");
                Console.WriteLine("  as JSON: " + d.Json);
            }
            using (var b = new MessageBuilder())
            {
                b.Subject("Skoleskift").Sender("thomas@example.dk", "Thomas").To("skole@kommune.dk")
                 .Date(new DateTimeOffset(2024, 5, 3, 10, 12, 0, TimeSpan.FromHours(2)))
                 .TextBody("Vores søn vil skifte skole. Hans cpr-nr. er 070761-4285.");
                using (var m = b.Build())
                {
                    var d = model.Classify(m, 3, 5, new Dictionary<string, float> { { "label", 1.0f } });
                    Print("message 3 (fields):", d);
                    Expect(d.Heads[0].Labels[0].Name == "skole", "message 3 is skole");
                    Expect(d.Heads[0].Abstains, "threshold 1.0 makes it abstain");
                    Expect(d.Sensitive, "a CPR number makes it sensitive");
                    Expect(!d.Json.Contains("4285"), "the JSON masks the CPR number");
                }
            }
        }
        if (failures > 0)
        {
            Console.Error.WriteLine("csharp demo: {0} check(s) failed", failures);
            return 1;
        }
        Console.WriteLine("csharp demo: ok");
        return 0;
    }
}
