// Uses the Java binding the way a records system would, and checks what it gets: load a
// model, classify messages made three ways, read decisions, and handle errors as exceptions
// carrying the library's message. Exit status 0 when every check held.
//
//   javac -cp /usr/share/java/jna.jar -d out Signatur.java Demo.java
//   java -cp out:/usr/share/java/jna.jar -Djna.library.path=/path/to/lib Demo MODEL.onnx
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

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: Demo MODEL.onnx");
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
        }
        if (failures > 0) {
            System.err.println("java demo: " + failures + " check(s) failed");
            System.exit(1);
        }
        System.out.println("java demo: ok");
    }
}
