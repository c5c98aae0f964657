// Uses the .NET binding the way a records system would, and checks what it gets: load a
// model, classify messages made three ways, read decisions, ask a case directory, and handle
// errors as exceptions carrying the library's message. Exit status 0 when every check held.
//
//   mcs -unsafe -out:Demo.exe Signatur.cs Demo.cs
//   LD_LIBRARY_PATH=/path/to/lib mono Demo.exe MODEL.onnx [KLE_MODEL.onnx]
//
// KLE_MODEL.onnx, when given, is a model with a kle head (a ranker from
// `signatur train --taxonomy`, here of tests/fixtures/kle/emneplan.xml): its decisions are
// read at every level of the plan.
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

    static Head HeadNamed(Decision d, string name)
    {
        foreach (var h in d.Heads)
        {
            if (h.Name == name)
            {
                return h;
            }
        }
        return null;
    }

    // The host's case directory: a known case decides unit, kle and facet; a directory
    // that fails, throws or answers what the library refuses leaves the model's decision.
    static void Directory(Model model)
    {
        const string cites = "Vores j.nr. 2024-012345. Vi sender hermed tegningerne til carporten.";
        byte[] reply = Encoding.UTF8.GetBytes(
            "From: Borger <borger@example.dk>\r\nTo: byggeri@egeskov.dk\r\nSubject: SV: Din ansøgning\r\n" +
            "Message-ID: <reply-1@example.dk>\r\nIn-Reply-To: <letter-1@egeskov.dk>\r\n\r\n" +
            "Tak, jeg sender tegningerne i morgen.\r\n");
        int calls = 0;
        Func<CaseQuery, string, CaseLookup> esdh = (query, key) =>
        {
            System.Threading.Interlocked.Increment(ref calls);
            bool known = (query == CaseQuery.Reference && key == "2024-012345") ||
                         (query == CaseQuery.MessageId && key == "letter-1@egeskov.dk");
            return known
                ? CaseLookup.Found("02.34.02-P19-12-24", "Byggeri og Miljø", "02.34.02", "P19", "Carport")
                : CaseLookup.Unknown();
        };
        using (var dir = new CaseDirectory(esdh))
        {
            using (var m = Message.FromText(cites))
            {
                var d = model.Classify(m, dir);
                Print("message 4 (a case the directory knows):", d);
                var unit = HeadNamed(d, "unit");
                var kle = HeadNamed(d, "kle");
                var facet = HeadNamed(d, "facet");
                Expect(unit != null && unit.Labels[0].Name == "Byggeri og Miljø" && unit.DecidedBy == DecidedBy.Directory,
                    "the directory decides the unit");
                Expect(kle != null && kle.Labels[0].Name == "02.34.02" && kle.DecidedBy == DecidedBy.Directory,
                    "the directory decides kle");
                Expect(facet != null && facet.Labels[0].Name == "P19", "the directory decides facet");
                Expect(HeadNamed(d, "label").DecidedBy == DecidedBy.Model, "the model decides label");
                Expect(d.Json.Contains("\"source\":\"directory\""), "the case came from the directory");
            }
            using (var m = Message.FromBytes(reply))
            {
                var d = model.Classify(m, dir);
                var unit = HeadNamed(d, "unit");
                Expect(unit != null && unit.DecidedBy == DecidedBy.Thread, "a reply inherits its thread's case");
            }
            Expect(calls >= 2, "the directory was asked");
        }
        var failing = new[]
        {
            Tuple.Create<Func<CaseQuery, string, CaseLookup>, string>((q, k) => CaseLookup.Failed("ESDH offline"), "ESDH offline"),
            Tuple.Create<Func<CaseQuery, string, CaseLookup>, string>((q, k) => CaseLookup.Timeout(), "lookup_timeout"),
            Tuple.Create<Func<CaseQuery, string, CaseLookup>, string>((q, k) => { throw new InvalidOperationException("cpr 070761-4285"); }, "threw InvalidOperationException"),
            Tuple.Create<Func<CaseQuery, string, CaseLookup>, string>((q, k) => CaseLookup.Found(k, new string('x', 100000), "02.34.02", null), "not usable"),
            Tuple.Create<Func<CaseQuery, string, CaseLookup>, string>((q, k) => CaseLookup.Found(k, "Byg", "garbage", "P19"), "invalid_answer"),
            Tuple.Create<Func<CaseQuery, string, CaseLookup>, string>((q, k) => null, "answered null"),
        };
        foreach (var f in failing)
        {
            using (var dir = new CaseDirectory(f.Item1))
            using (var m = Message.FromText(cites))
            {
                var d = model.Classify(m, dir);
                Expect(HeadNamed(d, "unit") == null && HeadNamed(d, "label").DecidedBy == DecidedBy.Model,
                    "a failing directory leaves the model's decision (" + f.Item2 + ")");
                Expect(d.Json.Contains(f.Item2), "the decision says why: " + f.Item2 + " in " + d.Json);
                Expect(!d.Json.Contains("4285"), "an exception's message is not shown");
            }
        }
        Console.WriteLine("the case directory: checked");
    }

    // A kle decision ranks emner, grupper and hovedgrupper; when the emne is under the
    // threshold, the gruppe whose emner together reach it is the fallback.
    static void KleLevels(string path)
    {
        using (var model = Model.Load(path))
        using (var m = Message.FromText("Ansøgning om særlige sociale testydelser"))
        {
            var d = model.Classify(m, 3, 5, new Dictionary<string, float> { { "kle", 0.99f } });
            var kle = HeadNamed(d, "kle");
            Expect(kle != null && kle.Levels.Count == 3, "three ranked levels");
            if (kle == null || kle.Levels.Count != 3)
            {
                return;
            }
            Expect(kle.Levels[KleLevel.Emne][0].Name == "32.18.02", "emne 32.18.02");
            Expect(kle.Levels[KleLevel.Gruppe][0].Name == "32.18", "gruppe 32.18");
            Expect(kle.Levels[KleLevel.Hovedgruppe][0].Name == "32", "hovedgruppe 32");
            Expect(kle.Levels[KleLevel.Gruppe][0].Probability >= kle.Levels[KleLevel.Emne][0].Probability,
                "a gruppe is at least as probable as its best emne");
            Expect(kle.Abstains && kle.Fallback != null && kle.Fallback.Level == KleLevel.Gruppe &&
                   kle.Fallback.Code == "32.18" && kle.Fallback.Probability >= 0.99f,
                "the emne abstains and gruppe 32.18 is the fallback");
            Console.WriteLine("kle levels: emne {0}, gruppe {1} ({2:F3}), hovedgruppe {3}; falls back to {4}",
                kle.Levels[KleLevel.Emne][0].Name, kle.Levels[KleLevel.Gruppe][0].Name,
                kle.Levels[KleLevel.Gruppe][0].Probability, kle.Levels[KleLevel.Hovedgruppe][0].Name,
                kle.Fallback == null ? "nothing" : kle.Fallback.Code);
        }
    }

    static int Main(string[] args)
    {
        if (args.Length != 1 && args.Length != 2)
        {
            Console.Error.WriteLine("usage: Demo.exe MODEL.onnx [KLE_MODEL.onnx]");
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
            Directory(model);
            using (var m = Message.FromText("Byggetilladelse"))
            {
                foreach (var head in model.Classify(m).Heads)
                {
                    Expect(head.Levels.Count == 0 && head.Fallback == null, "a head that is not kle has no levels");
                }
            }
        }
        if (args.Length == 2)
        {
            KleLevels(args[1]);
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
