// Uses the Java binding the way a records system would, and checks what it gets: load a
// model, classify messages made three ways, read decisions, ask a case directory, and handle
// errors as exceptions carrying the library's message. Exit status 0 when every check held.
//
//   javac -cp /usr/share/java/jna.jar -d out Signatur.java Demo.java
//   java -cp out:/usr/share/java/jna.jar -Djna.library.path=/path/to/lib Demo MODEL.onnx [KLE_MODEL.onnx]
//
// KLE_MODEL.onnx, when given, is a model with a kle head (a ranker from
// `signatur train --taxonomy`, here of tests/fixtures/kle/emneplan.xml): its decisions are
// read at every level of the plan.
import java.nio.charset.StandardCharsets;

public final class Demo {
    private static int failures = 0;

    private static void expect(boolean ok, String what) {
        if (!ok) {
            System.err.println("expected: " + what);
            failures++;
        }
    }

    private static void print(String title, Signatur.Decision d) {
        System.out.println(title);
        for (Signatur.Head h : d.heads) {
            System.out.printf("  %s => %s %s%s%n", h.name, h.top(), h.labels, h.abstains ? ", abstains" : "");
            System.out.println("     because of " + h.explanation);
        }
        for (String r : d.references) {
            System.out.println("  refers to " + r);
        }
    }

    private static Signatur.Head head(Signatur.Decision d, String name) {
        for (Signatur.Head h : d.heads) {
            if (h.name.equals(name)) {
                return h;
            }
        }
        return null;
    }

    // The host's case directory: a known case decides unit, kle and facet; a directory that
    // fails, throws or answers what the library refuses leaves the model's decision.
    private static void directory(Signatur.Model model) {
        String cites = "Vores j.nr. 2024-012345. Vi sender hermed tegningerne til carporten.";
        byte[] reply = ("From: Borger <borger@example.dk>\r\nTo: byggeri@egeskov.dk\r\nSubject: SV: Din ansøgning\r\n"
                + "Message-ID: <reply-1@example.dk>\r\nIn-Reply-To: <letter-1@egeskov.dk>\r\n\r\n"
                + "Tak, jeg sender tegningerne i morgen.\r\n").getBytes(StandardCharsets.UTF_8);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Signatur.CaseLookupFunction esdh = (query, key) -> {
            calls.incrementAndGet();
            boolean known = (query == Signatur.CASE_QUERY_REFERENCE && key.equals("2024-012345"))
                    || (query == Signatur.CASE_QUERY_MESSAGE_ID && key.equals("letter-1@egeskov.dk"));
            return known
                    ? Signatur.CaseLookup.found("02.34.02-P19-12-24", "Byggeri og Miljø", "02.34.02", "P19", "Carport")
                    : Signatur.CaseLookup.unknown();
        };
        try (Signatur.CaseDirectory dir = new Signatur.CaseDirectory(esdh)) {
            try (Signatur.Message m = Signatur.Message.fromText(cites)) {
                Signatur.Decision d = model.classify(m, dir);
                print("message 4 (a case the directory knows):", d);
                Signatur.Head unit = head(d, "unit"), kle = head(d, "kle"), facet = head(d, "facet");
                expect(unit != null && unit.top().equals("Byggeri og Miljø")
                        && unit.decidedBy == Signatur.DECIDED_BY_DIRECTORY, "the directory decides the unit");
                expect(kle != null && kle.top().equals("02.34.02") && kle.decidedBy == Signatur.DECIDED_BY_DIRECTORY,
                        "the directory decides kle");
                expect(facet != null && facet.top().equals("P19"), "the directory decides facet");
                expect(head(d, "label").decidedBy == Signatur.DECIDED_BY_MODEL, "the model decides label");
                expect(d.json.contains("\"source\":\"directory\""), "the case came from the directory");
            }
            try (Signatur.Message m = Signatur.Message.fromBytes(reply)) {
                Signatur.Head unit = head(model.classify(m, dir), "unit");
                expect(unit != null && unit.decidedBy == Signatur.DECIDED_BY_THREAD, "a reply inherits its thread's case");
            }
            expect(calls.get() >= 2, "the directory was asked");
        }
        String big = "x".repeat(100000);
        Object[][] failing = {
            {(Signatur.CaseLookupFunction) (q, k) -> Signatur.CaseLookup.failed("ESDH offline"), "ESDH offline"},
            {(Signatur.CaseLookupFunction) (q, k) -> Signatur.CaseLookup.timeout(null), "lookup_timeout"},
            {(Signatur.CaseLookupFunction) (q, k) -> {
                throw new IllegalStateException("cpr 070761-4285");
            }, "threw IllegalStateException"},
            {(Signatur.CaseLookupFunction) (q, k) -> Signatur.CaseLookup.found(k, big, "02.34.02", null, null), "not usable"},
            {(Signatur.CaseLookupFunction) (q, k) -> Signatur.CaseLookup.found(k, "Byg", "garbage", "P19", null), "invalid_answer"},
            {(Signatur.CaseLookupFunction) (q, k) -> null, "answered null"},
        };
        for (Object[] f : failing) {
            try (Signatur.CaseDirectory dir = new Signatur.CaseDirectory((Signatur.CaseLookupFunction) f[0]);
                    Signatur.Message m = Signatur.Message.fromText(cites)) {
                Signatur.Decision d = model.classify(m, dir);
                expect(head(d, "unit") == null && head(d, "label").decidedBy == Signatur.DECIDED_BY_MODEL,
                        "a failing directory leaves the model's decision (" + f[1] + ")");
                expect(d.json.contains((String) f[1]), "the decision says why: " + f[1] + " in " + d.json);
                expect(!d.json.contains("4285"), "an exception's message is not shown");
            }
        }
        System.out.println("the case directory: checked");
    }

    /**
     * A kle decision ranks emner, grupper and hovedgrupper; when the emne is under the
     * threshold, the gruppe whose emner together reach it is the fallback.
     */
    private static void kleLevels(String path) {
        try (Signatur.Model model = Signatur.Model.load(path);
                Signatur.Message m = Signatur.Message.fromText("Ansøgning om særlige sociale testydelser")) {
            Signatur.Decision d = model.classify(m, java.util.Map.of("kle", 0.99f));
            Signatur.Head kle = head(d, "kle");
            expect(kle != null && kle.levels.size() == 3, "three ranked levels");
            if (kle == null || kle.levels.size() != 3) {
                return;
            }
            String emne = kle.levels.get(Signatur.KLE_LEVEL_EMNE).keySet().iterator().next();
            java.util.Map.Entry<String, Float> gruppe =
                    kle.levels.get(Signatur.KLE_LEVEL_GRUPPE).entrySet().iterator().next();
            String hovedgruppe = kle.levels.get(Signatur.KLE_LEVEL_HOVEDGRUPPE).keySet().iterator().next();
            expect(emne.equals("32.18.02") && gruppe.getKey().equals("32.18") && hovedgruppe.equals("32"),
                    "emne 32.18.02 in gruppe 32.18 in hovedgruppe 32");
            expect(gruppe.getValue() >= kle.labels.get(emne), "a gruppe is at least as probable as its best emne");
            expect(kle.abstains && kle.fallback != null && kle.fallback.level == Signatur.KLE_LEVEL_GRUPPE
                    && kle.fallback.code.equals("32.18") && kle.fallback.probability >= 0.99f,
                    "the emne abstains and gruppe 32.18 is the fallback");
            System.out.printf("kle levels: emne %s, gruppe %s (%.3f), hovedgruppe %s; falls back to %s%n", emne,
                    gruppe.getKey(), gruppe.getValue(), hovedgruppe, kle.fallback == null ? "nothing" : kle.fallback.code);
        }
    }

    // A close() on another thread while a call is in flight must not free the handle under
    // the call: the call's return frees it. A handle whose free only counts is enough to see
    // when the free happens.
    private static void closeDuringCall() {
        java.util.concurrent.atomic.AtomicInteger frees = new java.util.concurrent.atomic.AtomicInteger();
        Signatur.Handle h = new Signatur.Handle(new com.sun.jna.Pointer(1), p -> frees.incrementAndGet()) {};
        java.util.concurrent.CountDownLatch inCall = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger freesSeenInCall = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread caller = new Thread(() -> h.with(p -> {
            inCall.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            freesSeenInCall.set(frees.get());
            return null;
        }));
        caller.start();
        try {
            inCall.await();
            h.close();
            closed.countDown();
            caller.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        expect(freesSeenInCall.get() == 0, "a close() during a call does not free the handle under it");
        expect(frees.get() == 1, "the call in flight frees the closed handle as it returns");
        h.close();
        expect(frees.get() == 1, "a second close() frees nothing");
        Signatur.Handle idle = new Signatur.Handle(new com.sun.jna.Pointer(1), p -> frees.incrementAndGet()) {};
        idle.close();
        expect(frees.get() == 2, "close() frees a handle no call is using at once");
    }

    public static void main(String[] args) {
        if (args.length != 1 && args.length != 2) {
            System.err.println("usage: Demo MODEL.onnx [KLE_MODEL.onnx]");
            System.exit(2);
        }
        System.out.println("libsignatur " + Signatur.libraryVersion());

        try (Signatur.Model m = Signatur.Model.load("/nonexistent/model.onnx")) {
            expect(m == null, "loading a missing model throws");
        } catch (Signatur.SignaturException e) {
            System.out.println("expected failure: " + e.getMessage());
            expect(e.status == Signatur.IO, "status IO, got " + e.status);
            expect(e.getMessage().contains("/nonexistent/model.onnx"), "the message names the file");
        }
        try (Signatur.Message m = Signatur.Message.fromText(new byte[] {0x4b, (byte) 0xf8, 0x62})) {
            expect(m == null, "invalid UTF-8 throws");
        } catch (Signatur.SignaturException e) {
            expect(e.status == Signatur.INVALID_UTF8, "status INVALID_UTF8, got " + e.status);
        }

        try (Signatur.Model model = Signatur.Model.load(args[0])) {
            expect(model.heads().equals(java.util.List.of("label")), "one head, label");
            byte[] raw = ("From: Anna <anna@example.dk>\r\nTo: post@kommune.dk\r\nSubject: Byggetilladelse\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nJeg søger byggetilladelse til en carport.\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            try (Signatur.Message m = Signatur.Message.fromBytes(raw)) {
                Signatur.Decision d = model.classify(m);
                print("message 1 (RFC 5322):", d);
                expect(d.heads.get(0).top().equals("byg"), "message 1 is byg");
            }
            try (Signatur.Message m = Signatur.Message.fromText("Skraldespanden er ikke tømt. Ring på tlf. 86 12 34 56.")) {
                Signatur.Decision d = model.classify(m, 1, 0);
                print("message 2 (text):", d);
                expect(d.heads.get(0).top().equals("affald"), "message 2 is affald");
                expect(d.heads.get(0).labels.size() == 1 && d.heads.get(0).explanation.isEmpty(), "options applied");
                expect(d.references.equals(java.util.List.of("+45XXXXXXXX")), "the phone, masked");
                System.out.println("  as JSON: " + d.json);
            }
            try (Signatur.MessageBuilder b = new Signatur.MessageBuilder()) {
                b.subject("Skoleskift").sender("thomas@example.dk", "Thomas").to("skole@kommune.dk")
                        .textBody("Vores søn vil skifte skole. Hans cpr-nr. er 070761-4285.");
                try (Signatur.Message m = b.build()) {
                    Signatur.Decision d = model.classify(m);
                    print("message 3 (fields):", d);
                    expect(d.heads.get(0).top().equals("skole"), "message 3 is skole");
                    expect(d.sensitive, "a CPR number makes it sensitive");
                    expect(!d.json.contains("4285"), "the JSON masks the CPR number");
                }
            }
            directory(model);
            try (Signatur.Message m = Signatur.Message.fromText("Byggetilladelse")) {
                for (Signatur.Head h : model.classify(m).heads) {
                    expect(h.levels.isEmpty() && h.fallback == null, "a head that is not kle has no levels");
                }
            }
            // A closed handle is refused, not passed on as a freed pointer.
            Signatur.Message closed = Signatur.Message.fromText("Byggetilladelse");
            closed.close();
            try {
                model.classify(closed);
                expect(false, "a closed message is refused");
            } catch (IllegalStateException e) {
                expect(e.getMessage().contains("closed"), "the refusal says the message is closed");
            }
            closeDuringCall();
            // Many messages left to the Cleaner while the model classifies them.
            for (int i = 0; i < 2000; i++) {
                model.classify(Signatur.Message.fromText("Byggetilladelse til carport " + i));
            }
        }
        if (args.length == 2) {
            kleLevels(args[1]);
        }
        if (failures > 0) {
            System.err.println("java demo: " + failures + " check(s) failed");
            System.exit(1);
        }
        System.out.println("java demo: ok");
    }
}
