/*
 * A walkthrough of the libsignatur C API: load a model, classify messages made three ways
 * (raw RFC 5322 bytes, plain text, fields a host parsed itself), print each decision with
 * its explanation, references and personal-data flag, and handle an error.
 *
 * Build and run against the shared library:
 *   cargo build --release --lib
 *   cc -std=c99 -Wall -Wextra -Werror -Iinclude examples/c/walkthrough.c \
 *      -Ltarget/release -lsignatur -o walkthrough
 *   LD_LIBRARY_PATH=target/release ./walkthrough model.onnx
 */
#include <stdio.h>
#include <string.h>

#include "signatur.h"

/* Texts go in as (const uint8_t *, size_t). */
#define TEXT(s) (const uint8_t *)(s), strlen(s)

/* Prints why the last call failed: the static text of its status and the detailed message
 * of this thread's last error. Returns 1 for use as an exit code. */
static int report(const char *what, signatur_status status) {
    char message[1024];
    size_t len = 0;
    if (signatur_last_error(message, sizeof message, &len) != SIGNATUR_STATUS_OK) {
        /* Longer than our buffer (len says how long): the static text suffices here. */
        message[0] = '\0';
    }
    fprintf(stderr, "%s: %s: %s\n", what, signatur_status_str(status), message);
    return 1;
}

static const char *evidence_field(signatur_evidence_field f) {
    switch (f) {
    case SIGNATUR_EVIDENCE_FIELD_SUBJECT: return "subject";
    case SIGNATUR_EVIDENCE_FIELD_BODY: return "body";
    case SIGNATUR_EVIDENCE_FIELD_QUOTED: return "quoted text";
    case SIGNATUR_EVIDENCE_FIELD_SENDER: return "sender";
    case SIGNATUR_EVIDENCE_FIELD_RECIPIENT: return "recipient";
    case SIGNATUR_EVIDENCE_FIELD_ATTACHMENT_NAME: return "attachment name";
    case SIGNATUR_EVIDENCE_FIELD_ATTACHMENT_TEXT: return "attachment text";
    case SIGNATUR_EVIDENCE_FIELD_HEADERS: return "headers";
    default: return "?";
    }
}

static const char *ref_kind(signatur_ref_kind k) {
    switch (k) {
    case SIGNATUR_REF_KIND_CASE_NUMBER: return "case number";
    case SIGNATUR_REF_KIND_KLE_CODE: return "KLE code";
    case SIGNATUR_REF_KIND_CPR: return "CPR number";
    case SIGNATUR_REF_KIND_CVR: return "CVR number";
    case SIGNATUR_REF_KIND_P_NUMBER: return "P-number";
    case SIGNATUR_REF_KIND_PHONE: return "phone";
    case SIGNATUR_REF_KIND_EMAIL: return "e-mail";
    case SIGNATUR_REF_KIND_IBAN: return "IBAN";
    case SIGNATUR_REF_KIND_BANK_ACCOUNT: return "bank account";
    default: return "identifier";
    }
}

static const char *decided_by(signatur_decided_by by) {
    switch (by) {
    case SIGNATUR_DECIDED_BY_MODEL: return "";
    case SIGNATUR_DECIDED_BY_RULE: return " [by a municipal rule]";
    case SIGNATUR_DECIDED_BY_MESSAGE: return " [by the message's own data]";
    default: return " [by another source]";
    }
}

/* Prints a decision: per head the labels, whether it abstains and why it decided; then the
 * references (masked: this is output a person reads) and the sensitivity. */
static int print_decision(const char *title, const signatur_decision *d) {
    signatur_status s;
    printf("%s\n", title);
    for (size_t h = 0; h < signatur_decision_head_count(d); h++) {
        const char *head, *label;
        size_t head_len, label_len;
        uint8_t abstain;
        float threshold, p;
        signatur_decided_by by;
        if ((s = signatur_decision_head_name(d, h, &head, &head_len)) != SIGNATUR_STATUS_OK ||
            (s = signatur_decision_abstain(d, h, &abstain, &threshold)) != SIGNATUR_STATUS_OK ||
            (s = signatur_decision_decided_by(d, h, &by)) != SIGNATUR_STATUS_OK ||
            (s = signatur_decision_label(d, h, 0, &label, &label_len, &p)) != SIGNATUR_STATUS_OK) {
            return report("reading the decision", s);
        }
        printf("  %s => %s (%.3f)%s%s\n", head, label, p, abstain ? ", abstains: a person decides" : "",
               decided_by(by));
        for (size_t i = 1; i < signatur_decision_label_count(d, h); i++) {
            if ((s = signatur_decision_label(d, h, i, &label, &label_len, &p)) != SIGNATUR_STATUS_OK) {
                return report("signatur_decision_label", s);
            }
            printf("     or %s (%.3f)\n", label, p);
        }
        for (size_t i = 0; i < signatur_decision_explanation_count(d, h); i++) {
            const char *word;
            size_t word_len;
            signatur_evidence_field field;
            float weight;
            s = signatur_decision_explanation(d, h, i, &word, &word_len, &field, &weight);
            if (s != SIGNATUR_STATUS_OK) {
                return report("signatur_decision_explanation", s);
            }
            printf("     because of \"%s\" in the %s (+%.3f)\n", word, evidence_field(field), weight);
        }
    }
    for (size_t r = 0; r < signatur_decision_reference_count(d); r++) {
        signatur_ref_kind kind;
        float confidence;
        signatur_checksum checksum;
        const char *masked;
        size_t masked_len;
        if ((s = signatur_decision_reference(d, r, &kind, &confidence, &checksum)) != SIGNATUR_STATUS_OK ||
            (s = signatur_decision_reference_masked(d, r, &masked, &masked_len)) != SIGNATUR_STATUS_OK) {
            return report("reading a reference", s);
        }
        printf("  refers to %s %s (confidence %.2f)\n", ref_kind(kind), masked, confidence);
    }
    uint8_t sensitive;
    uint32_t categories;
    if ((s = signatur_decision_sensitive(d, &sensitive, &categories)) != SIGNATUR_STATUS_OK) {
        return report("signatur_decision_sensitive", s);
    }
    if (sensitive) {
        printf("  confidential:%s%s%s%s\n", (categories & SIGNATUR_SENSITIVE_CATEGORY_CPR) ? " CPR" : "",
               (categories & SIGNATUR_SENSITIVE_CATEGORY_HEALTH) ? " health" : "",
               (categories & SIGNATUR_SENSITIVE_CATEGORY_SOCIAL) ? " social" : "",
               (categories & SIGNATUR_SENSITIVE_CATEGORY_CRIMINAL) ? " criminal" : "");
    }
    return 0;
}

/* Classifies `message` (taking ownership of it), prints the decision and frees both. */
static int classify_and_print(const signatur_model *model, signatur_message *message, const char *title) {
    signatur_decision *decision = NULL;
    signatur_status s = signatur_model_classify(model, message, &decision);
    signatur_message_free(message); /* the decision does not need it */
    if (s != SIGNATUR_STATUS_OK) {
        return report("signatur_model_classify", s);
    }
    int rc = print_decision(title, decision);
    signatur_decision_free(decision);
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODEL.onnx\n", argv[0]);
        return 2;
    }
    /* A program built against one version and run against another should know. */
    if (strcmp(signatur_version(), SIGNATUR_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s, library %s\n", SIGNATUR_VERSION_STRING, signatur_version());
        return 1;
    }
    printf("libsignatur %s\n", signatur_version());

    /* An error before any handle exists still has a detailed message. */
    const signatur_model *model = NULL;
    signatur_status s = signatur_model_load(TEXT("/nonexistent/model.onnx"), &model);
    if (s == SIGNATUR_STATUS_OK) {
        fprintf(stderr, "loading a missing file succeeded\n");
        return 1;
    }
    report("expected failure", s);

    /* Load once, share everywhere: the model may be used by any number of threads. */
    if ((s = signatur_model_load(TEXT(argv[1]), &model)) != SIGNATUR_STATUS_OK) {
        return report("signatur_model_load", s);
    }
    for (size_t h = 0; h < signatur_model_head_count(model); h++) {
        const char *name;
        size_t len;
        if ((s = signatur_model_head_name(model, h, &name, &len)) != SIGNATUR_STATUS_OK) {
            return report("signatur_model_head_name", s);
        }
        printf("head %s:", name);
        for (size_t l = 0; l < signatur_model_label_count(model, h); l++) {
            if ((s = signatur_model_label_name(model, h, l, &name, &len)) != SIGNATUR_STATUS_OK) {
                return report("signatur_model_label_name", s);
            }
            printf(" %s", name);
        }
        printf("\n");
    }

    int rc = 0;
    signatur_message *message = NULL;

    /* 1. Raw RFC 5322 bytes, as a mail server delivers them. */
    const char *raw = "From: Anna Holm <anna@example.dk>\r\n"
                      "To: post@kommune.dk\r\n"
                      "Subject: =?utf-8?q?Ans=C3=B8gning_om_byggetilladelse?=\r\n"
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "\r\n"
                      "Hej\r\n\r\nJeg s\xc3\xb8ger byggetilladelse til en carport og en tilbygning.\r\n"
                      "Ring gerne p\xc3\xa5 tlf. 86 12 34 56.\r\n\r\nMvh\r\nAnna\r\n";
    if ((s = signatur_message_from_bytes(TEXT(raw), &message)) != SIGNATUR_STATUS_OK) {
        return report("signatur_message_from_bytes", s);
    }
    rc |= classify_and_print(model, message, "message 1 (RFC 5322):");

    /* 2. Plain text from a web form. */
    const char *form = "Vores skraldespand er ikke blevet t\xc3\xb8mt, og affaldet hober sig op. "
                       "Hvorn\xc3\xa5r kommer skraldebilen?";
    if ((s = signatur_message_from_text(TEXT(form), &message)) != SIGNATUR_STATUS_OK) {
        return report("signatur_message_from_text", s);
    }
    rc |= classify_and_print(model, message, "message 2 (text):");

    /* 3. Fields a host already parsed (MimeKit, JavaMail, an ESDH's store). */
    signatur_message_builder *b = NULL;
    if ((s = signatur_message_builder_new(&b)) != SIGNATUR_STATUS_OK ||
        (s = signatur_message_builder_set_subject(b, TEXT("Skoleskift for vores s\xc3\xb8n"))) != SIGNATUR_STATUS_OK ||
        (s = signatur_message_builder_set_sender(b, TEXT("thomas@example.dk"), TEXT("Thomas"))) != SIGNATUR_STATUS_OK ||
        (s = signatur_message_builder_add_to(b, TEXT("skole@kommune.dk"), NULL, 0)) != SIGNATUR_STATUS_OK ||
        (s = signatur_message_builder_set_date(b, TEXT("2024-05-03T10:12:00+02:00"))) != SIGNATUR_STATUS_OK ||
        (s = signatur_message_builder_set_text_body(
             b, TEXT("Vores s\xc3\xb8n bliver mobbet i klassen og vil skifte skole efter sommerferien. "
                     "Han har cpr-nr. 070761-4285 og har brug for st\xc3\xb8tte i undervisningen."))) != SIGNATUR_STATUS_OK ||
        (s = signatur_message_builder_build(b, &message)) != SIGNATUR_STATUS_OK) {
        signatur_message_builder_free(b);
        return report("building a message", s);
    }
    signatur_message_builder_free(b);
    rc |= classify_and_print(model, message, "message 3 (fields):");

    /* 4. A Digital Post (MeMo) message that names its own KLE emne: that decides the kle head. */
    const char *memo =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Message xmlns=\"https://DigitalPost.dk/MeMo-1\" xmlns:kle=\"http://kle-online.dk/\" memoVersion=\"1.2\">"
        "<MessageHeader><messageType>DIGITALPOST</messageType>"
        "<messageUUID>8c2f5b1e-0d1a-4f3e-9b7a-2a6c4d8e0f11</messageUUID>"
        "<label>Byggetilladelse til carport</label>"
        "<Sender><senderID>12345678</senderID><idType>CVR</idType><label>Carporte ApS</label></Sender>"
        "<Recipient><recipientID>29189846</recipientID><idType>CVR</idType><label>Kommunen</label></Recipient>"
        "<ContentData><kle:KLEdata><kle:subjectKey>02.34.02</kle:subjectKey></kle:KLEdata></ContentData>"
        "</MessageHeader>"
        "<MessageBody><createdDateTime>2024-09-02T08:15:00Z</createdDateTime><MainDocument><File>"
        "<encodingFormat>text/plain</encodingFormat><filename>brev.txt</filename><language>da</language>"
        /* base64 of "Vi søger byggetilladelse til en carport." */
        "<content>Vmkgc8O4Z2VyIGJ5Z2dldGlsbGFkZWxzZSB0aWwgZW4gY2FycG9ydC4=</content>"
        "</File></MainDocument></MessageBody></Message>";
    if ((s = signatur_message_from_memo(TEXT(memo), &message)) != SIGNATUR_STATUS_OK) {
        return report("signatur_message_from_memo", s);
    }
    rc |= classify_and_print(model, message, "message 4 (Digital Post):");

    /* The whole decision as JSON, with options: one label per head, no explanation. */
    signatur_classify_options *options = NULL;
    signatur_decision *decision = NULL;
    const char *json;
    size_t json_len;
    if ((s = signatur_classify_options_new(&options)) != SIGNATUR_STATUS_OK ||
        (s = signatur_classify_options_set_top_k(options, 1)) != SIGNATUR_STATUS_OK ||
        (s = signatur_classify_options_set_explain(options, 0)) != SIGNATUR_STATUS_OK ||
        (s = signatur_message_from_text(TEXT(form), &message)) != SIGNATUR_STATUS_OK) {
        return report("preparing the JSON example", s);
    }
    s = signatur_model_classify_with(model, message, options, &decision);
    signatur_message_free(message);
    signatur_classify_options_free(options);
    if (s != SIGNATUR_STATUS_OK || (s = signatur_decision_json(decision, &json, &json_len)) != SIGNATUR_STATUS_OK) {
        signatur_decision_free(decision);
        return report("the JSON example", s);
    }
    printf("message 2 as JSON (%zu bytes): %s\n", json_len, json);

    /* The model may be freed while decisions live: they own what they report. */
    signatur_model_free(model);
    if ((s = signatur_decision_json(decision, &json, &json_len)) != SIGNATUR_STATUS_OK) {
        rc = report("reading a decision after freeing the model", s);
    }
    signatur_decision_free(decision);
    return rc;
}
