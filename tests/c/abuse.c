/*
 * Abuse of the C API: NULL pointers, invalid UTF-8, truncated and corrupt model files,
 * buffers that are too small, out-of-range indexes, bad option values, double _free(NULL),
 * and handles freed in every order. Every call must fail with the right status, write no
 * output, keep a readable last error, and never crash (run under valgrind and ASan/UBSan).
 *
 * usage: abuse MODEL.onnx SCRATCH_DIR
 */
#include <math.h>

#include "check.h"

/* A pointer value no call may write: outputs must stay untouched on failure. */
#define SENTINEL ((void *)0x1)

static char msgbuf[2048];

static void errors_before_any_handle(void) {
    size_t len = 12345;
    char buf[64];
    /* Before any failure the message is empty. */
    EXPECT_STATUS(signatur_last_error(buf, sizeof buf, &len), SIGNATUR_STATUS_OK);
    EXPECT(len == 0 && buf[0] == '\0');

    const signatur_model *model = SENTINEL;
    EXPECT_STATUS(signatur_model_load(NULL, 5, &model), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT(model == SENTINEL);
    EXPECT(strstr(last_error(msgbuf, sizeof msgbuf), "signatur_model_load") != NULL);
    EXPECT(strstr(msgbuf, "path") != NULL);
    EXPECT_STATUS(signatur_model_load(TEXT("x.onnx"), NULL), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_model_load(NULL, 0, &model), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_model_load((const uint8_t *)"\xff\xfe.onnx", 7, &model), SIGNATUR_STATUS_INVALID_UTF8);
    EXPECT(strstr(last_error(msgbuf, sizeof msgbuf), "UTF-8") != NULL);
    EXPECT_STATUS(signatur_model_load(TEXT("/nonexistent/dir/model.onnx"), &model), SIGNATUR_STATUS_IO);
    EXPECT(strstr(last_error(msgbuf, sizeof msgbuf), "/nonexistent/dir/model.onnx") != NULL);
    EXPECT(model == SENTINEL);
}

static void too_small_buffers(void) {
    /* The last error is "signatur_model_load: I/O error: /nonexistent/…". */
    size_t needed = 0, len = 0;
    EXPECT_STATUS(signatur_last_error(NULL, 0, &needed), SIGNATUR_STATUS_BUFFER_TOO_SMALL);
    EXPECT(needed > 20);
    EXPECT_STATUS(signatur_last_error(NULL, 10, &len), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_last_error(msgbuf, sizeof msgbuf, NULL), SIGNATUR_STATUS_NULL_ARGUMENT);

    char small[8];
    memset(small, '#', sizeof small);
    EXPECT_STATUS(signatur_last_error(small, sizeof small, &len), SIGNATUR_STATUS_BUFFER_TOO_SMALL);
    EXPECT(len == needed);
    for (size_t i = 0; i < sizeof small; i++) {
        EXPECT(small[i] == '#'); /* untouched */
    }
    /* Exactly the text but no room for the NUL: still too small. */
    char *exact = malloc(needed + 1);
    EXPECT_STATUS(signatur_last_error(exact, needed, &len), SIGNATUR_STATUS_BUFFER_TOO_SMALL);
    EXPECT_STATUS(signatur_last_error(exact, needed + 1, &len), SIGNATUR_STATUS_OK);
    EXPECT(len == needed && exact[needed] == '\0' && strlen(exact) == needed);
    /* The failed copies did not replace the message. */
    EXPECT(strstr(exact, "signatur_model_load") != NULL);
    free(exact);

    /* Redaction into a caller's buffer. */
    const char *text = "Ring til 86 12 34 56 om cpr-nr. 070761-4285";
    char out[128];
    EXPECT_STATUS(signatur_text_redact(TEXT(text), SIGNATUR_REDACTION_PERSONAL_LABEL, out, 10, &len),
                  SIGNATUR_STATUS_BUFFER_TOO_SMALL);
    EXPECT(len == strlen("Ring til [TELEFON] om cpr-nr. [CPR]"));
    EXPECT_STATUS(signatur_text_redact(TEXT(text), SIGNATUR_REDACTION_PERSONAL_LABEL, out, sizeof out, &len),
                  SIGNATUR_STATUS_OK);
    EXPECT(strcmp(out, "Ring til [TELEFON] om cpr-nr. [CPR]") == 0);
    EXPECT_STATUS(signatur_text_redact(TEXT(text), SIGNATUR_REDACTION_PERSONAL_SHAPE, out, sizeof out, &len),
                  SIGNATUR_STATUS_OK);
    EXPECT(len == strlen(text) && strstr(out, "4285") == NULL);
    EXPECT_STATUS(signatur_text_redact(TEXT(text), 99, out, sizeof out, &len), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_text_redact((const uint8_t *)"\xc3", 1, 0, out, sizeof out, &len),
                  SIGNATUR_STATUS_INVALID_UTF8);
    EXPECT_STATUS(signatur_text_redact(NULL, 0, 0, out, sizeof out, &len), SIGNATUR_STATUS_OK);
    EXPECT(len == 0 && out[0] == '\0');
}

static void status_texts(void) {
    for (uint32_t s = 0; s <= SIGNATUR_STATUS_OTHER; s++) {
        const char *t = signatur_status_str(s);
        EXPECT(t != NULL && strlen(t) > 1);
    }
    EXPECT(strcmp(signatur_status_str(SIGNATUR_STATUS_OK), "ok") == 0);
    EXPECT(strcmp(signatur_status_str(9999), "unknown status") == 0);
}

static void broken_models(const char *model_path, const char *scratch) {
    size_t len;
    uint8_t *bytes = read_file(model_path, &len);
    const signatur_model *model = SENTINEL;
    EXPECT_STATUS(signatur_model_from_bytes(NULL, 0, &model), SIGNATUR_STATUS_INVALID_MODEL);
    EXPECT_STATUS(signatur_model_from_bytes(NULL, 3, &model), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_model_from_bytes(TEXT("this is not an ONNX model"), &model), SIGNATUR_STATUS_INVALID_MODEL);
    /* Truncated anywhere: never a crash, always a status. */
    size_t cuts[] = {1, 2, 16, 100, 1000, len / 3, len / 2, len - 100, len - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        if (cuts[i] >= len) {
            continue;
        }
        signatur_status s = signatur_model_from_bytes(bytes, cuts[i], &model);
        if (s != SIGNATUR_STATUS_INVALID_MODEL) {
            fprintf(stderr, "model truncated to %zu of %zu bytes: status %u (%s)\n", cuts[i], len, (unsigned)s,
                    signatur_status_str(s));
            failures++;
        }
    }
    EXPECT(model == SENTINEL);
    EXPECT(strstr(last_error(msgbuf, sizeof msgbuf), "signatur_model_from_bytes") != NULL);

    /* A truncated file on disk. */
    char path[4096];
    snprintf(path, sizeof path, "%s/truncated.onnx", scratch);
    FILE *f = fopen(path, "wb");
    EXPECT(f != NULL);
    if (f != NULL) {
        fwrite(bytes, 1, len / 2, f);
        fclose(f);
        EXPECT_STATUS(signatur_model_load(TEXT(path), &model), SIGNATUR_STATUS_INVALID_MODEL);
        EXPECT(strstr(last_error(msgbuf, sizeof msgbuf), "truncated.onnx") != NULL);
        remove(path);
    }
    /* A bit flipped in the middle: refused or loaded, never a crash. */
    bytes[len / 2] ^= 0x5a;
    if (signatur_model_from_bytes(bytes, len, &model) == SIGNATUR_STATUS_OK) {
        signatur_model_free(model);
    }
    free(bytes);
}

static void bad_messages(const signatur_model *model) {
    signatur_message *m = SENTINEL;
    EXPECT_STATUS(signatur_message_from_text((const uint8_t *)"K\xf8" "benhavn", 9, &m), SIGNATUR_STATUS_INVALID_UTF8);
    EXPECT_STATUS(signatur_message_from_text(NULL, 4, &m), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_message_from_text(TEXT("hej"), NULL), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_message_from_bytes(NULL, 0, &m), SIGNATUR_STATUS_PARSE);
    EXPECT_STATUS(signatur_message_from_bytes(TEXT("\r\n \r\n"), &m), SIGNATUR_STATUS_PARSE);
    EXPECT_STATUS(signatur_message_from_memo(TEXT("<not memo/>"), &m), SIGNATUR_STATUS_PARSE);
    EXPECT_STATUS(signatur_message_from_memo(NULL, 0, &m), SIGNATUR_STATUS_PARSE);
    EXPECT(m == SENTINEL);

    /* Raw bytes that are not UTF-8 are fine for RFC 5322 (charsets are decoded). */
    const char *latin1 = "Subject: K\xf8" "benhavn\r\n\r\nJeg s\xf8ger om affald.\r\n";
    EXPECT_STATUS(signatur_message_from_bytes(TEXT(latin1), &m), SIGNATUR_STATUS_OK);
    signatur_message_free(m);

    /* NULL with length 0 is the empty text: a valid (empty) message that classifies. */
    EXPECT_STATUS(signatur_message_from_text(NULL, 0, &m), SIGNATUR_STATUS_OK);
    signatur_decision *d = SENTINEL;
    EXPECT_STATUS(signatur_model_classify(NULL, m, &d), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_model_classify(model, NULL, &d), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT(d == SENTINEL);
    EXPECT_STATUS(signatur_model_classify(model, m, NULL), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_model_classify(model, m, &d), SIGNATUR_STATUS_OK);
    EXPECT(signatur_decision_head_count(d) == signatur_model_head_count(model));
    EXPECT(signatur_decision_reference_count(d) == 0);
    signatur_decision_free(d);
    signatur_message_free(m);

    /* The builder. */
    signatur_message_builder *b = NULL;
    EXPECT_STATUS(signatur_message_builder_new(NULL), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_message_builder_new(&b), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_message_builder_set_subject(NULL, TEXT("x")), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_message_builder_set_subject(b, (const uint8_t *)"\xc0\xaf", 2), SIGNATUR_STATUS_INVALID_UTF8);
    EXPECT_STATUS(signatur_message_builder_set_sender(b, TEXT("a@example.dk"), NULL, 3), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_message_builder_set_channel(b, 42), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_message_builder_set_channel(b, SIGNATUR_CHANNEL_DIGITAL_POST), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_message_builder_add_attachment(b, NULL, 0, TEXT("text/plain; charset=iso-8859-1"),
                                                          (const uint8_t *)"K\xf8" "benhavn", 9),
                  SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_message_builder_add_attachment(b, NULL, 0, TEXT("application/pdf"), NULL, 0),
                  SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_message_builder_set_date(b, TEXT("next tuesday")), SIGNATUR_STATUS_OK);
    m = SENTINEL;
    EXPECT_STATUS(signatur_message_builder_build(b, &m), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT(m == SENTINEL);
    EXPECT(strstr(last_error(msgbuf, sizeof msgbuf), "signatur_message_builder_build") != NULL);
    EXPECT_STATUS(signatur_message_builder_set_date(b, NULL, 0), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_message_builder_build(b, &m), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_message_builder_build(b, NULL), SIGNATUR_STATUS_NULL_ARGUMENT);
    signatur_message_builder_free(b);
    signatur_message_free(m);
}

static void bad_options_and_indexes(const signatur_model *model) {
    signatur_classify_options *o = NULL;
    EXPECT_STATUS(signatur_classify_options_new(&o), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_classify_options_set_top_k(o, 0), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_classify_options_set_top_k(NULL, 2), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_classify_options_set_threshold(o, TEXT("label"), 1.5f), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_classify_options_set_threshold(o, TEXT("label"), NAN), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_classify_options_set_threshold(o, TEXT("label"), 1.0f), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_classify_options_set_top_k(o, 1000), SIGNATUR_STATUS_OK);

    signatur_message *m = NULL;
    signatur_decision *d = NULL;
    EXPECT_STATUS(signatur_message_from_text(TEXT("Hvorn\xc3\xa5r t\xc3\xb8mmes skraldespanden?"), &m), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_model_classify_with(model, m, NULL, &d), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_model_classify_with(model, m, o, &d), SIGNATUR_STATUS_OK);
    signatur_classify_options_free(o);

    /* Threshold 1 on head "label": it abstains; top_k 1000 lists every label. */
    uint8_t abstain = 7;
    float threshold = -1;
    EXPECT_STATUS(signatur_decision_abstain(d, 0, &abstain, &threshold), SIGNATUR_STATUS_OK);
    EXPECT(abstain == 1 && threshold == 1.0f);
    EXPECT(signatur_decision_label_count(d, 0) == signatur_model_label_count(model, 0));

    const char *s = SENTINEL;
    size_t len = 99;
    float p = -1;
    size_t heads = signatur_decision_head_count(d);
    EXPECT_STATUS(signatur_decision_head_name(d, heads, &s, &len), SIGNATUR_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(signatur_decision_label(d, 0, 1000000, &s, &len, &p), SIGNATUR_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(signatur_decision_label(d, heads, 0, &s, &len, &p), SIGNATUR_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(signatur_decision_label(d, 0, 0, &s, &len, NULL), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_decision_label(NULL, 0, 0, &s, &len, &p), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT(s == SENTINEL && len == 99 && p == -1);
    EXPECT(strstr(last_error(msgbuf, sizeof msgbuf), "decision") != NULL);
    EXPECT_STATUS(signatur_decision_explanation(d, 0, 1000, &s, &len, NULL, &p), SIGNATUR_STATUS_NULL_ARGUMENT);
    signatur_evidence_field field;
    EXPECT_STATUS(signatur_decision_explanation(d, 0, 1000, &s, &len, &field, &p), SIGNATUR_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(signatur_decision_reference_masked(d, 0, &s, &len), SIGNATUR_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(signatur_decision_json(d, NULL, &len), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT(signatur_decision_head_count(NULL) == 0);
    EXPECT(signatur_decision_label_count(d, heads) == 0);
    EXPECT(signatur_decision_explanation_count(NULL, 0) == 0);
    EXPECT(signatur_decision_reference_count(NULL) == 0);
    EXPECT(signatur_model_head_count(NULL) == 0);
    EXPECT(signatur_model_label_count(model, 1000) == 0);
    EXPECT_STATUS(signatur_model_label_name(model, 0, 1000, &s, &len), SIGNATUR_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(signatur_model_summary_json(NULL, &s, &len), SIGNATUR_STATUS_NULL_ARGUMENT);
    signatur_decision_free(d);
    signatur_message_free(m);
}

static void bad_training(const char *scratch) {
    signatur_train_options *o = NULL;
    signatur_bytes *out = SENTINEL;
    EXPECT_STATUS(signatur_train_options_new(&o), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_train_options_set_epochs(o, 0), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_hash_bits(o, 40), SIGNATUR_STATUS_INVALID_INPUT);
    /* Reported as given, not as the 255 it would be narrowed to. */
    EXPECT_STATUS(signatur_train_options_set_hash_bits(o, 300), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT(strstr(last_error(msgbuf, sizeof msgbuf), "hash_bits 300 ") != NULL);
    EXPECT_STATUS(signatur_train_options_set_hidden(o, 1u << 20), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_target_precision(o, 0.0f), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT(signatur_train_options_set_stemmer(o, TEXT("klingon")) != SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_train_options_set_stemmer(o, TEXT("none")), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_train_options_set_stop_words(o, TEXT("german")), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_stop_words(o, (const uint8_t *)"\xff", 1), SIGNATUR_STATUS_INVALID_UTF8);
    EXPECT_STATUS(signatur_train_options_set_stop_words(o, NULL, 4), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_train_options_set_stop_words(NULL, TEXT("none")), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_train_options_set_stop_words(o, TEXT("none")), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_train_options_set_ensemble(o, 0), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_ensemble(o, 17), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_ensemble(NULL, 2), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_train_options_set_ensemble(o, 16), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_train_options_set_shared_words(o, -1.0f), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_shared_words(o, NAN), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_shared_words(o, INFINITY), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_shared_words(NULL, 1.0f), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_train_options_set_shared_words(o, 0.0f), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_train_options_set_field_weight(o, TEXT("sender"), -0.5f), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_field_weight(o, TEXT("sender"), NAN), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_field_weight(o, TEXT("sender"), INFINITY), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_field_weight(o, TEXT("Sender"), 1.0f), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_field_weight(o, TEXT(""), 1.0f), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_train_options_set_field_weight(o, (const uint8_t *)"\xff", 1, 1.0f), SIGNATUR_STATUS_INVALID_UTF8);
    EXPECT_STATUS(signatur_train_options_set_field_weight(o, NULL, 6, 1.0f), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_train_options_set_field_weight(NULL, TEXT("sender"), 1.0f), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_train_options_set_field_weight(o, TEXT("recipient"), 0.0f), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_train_from_path(TEXT("/nonexistent/corpus"), o, &out), SIGNATUR_STATUS_IO);
    EXPECT_STATUS(signatur_train_from_path(TEXT("/nonexistent/corpus"), NULL, &out), SIGNATUR_STATUS_NULL_ARGUMENT);
    /* A folder without label folders holding messages. */
    EXPECT(signatur_train_from_path(TEXT(scratch), o, &out) != SIGNATUR_STATUS_OK);
    EXPECT(out == SENTINEL);
    const uint8_t *data;
    size_t len;
    EXPECT_STATUS(signatur_bytes_data(NULL, &data, &len), SIGNATUR_STATUS_NULL_ARGUMENT);
    signatur_train_options_free(o);
}

static void free_in_any_order(const signatur_model *owned) {
    /* `owned` is freed before the decision made with it, the message before the decision
     * looks for references. */
    size_t len;
    const char *summary;
    EXPECT_STATUS(signatur_model_summary_json(owned, &summary, &len), SIGNATUR_STATUS_OK);
    EXPECT(strstr(summary, "\"messages\":") != NULL);

    signatur_message *m = NULL;
    signatur_decision *d = NULL;
    EXPECT_STATUS(signatur_message_from_text(TEXT("Skraldespanden er ikke t\xc3\xb8mt. Mit cpr-nr. er 070761-4285."), &m),
                  SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_model_classify(owned, m, &d), SIGNATUR_STATUS_OK);
    signatur_model_free(owned);
    signatur_message_free(m);
    const char *label;
    float p;
    EXPECT_STATUS(signatur_decision_label(d, 0, 0, &label, &len, &p), SIGNATUR_STATUS_OK);
    EXPECT(signatur_decision_reference_count(d) == 1);
    const char *value;
    EXPECT_STATUS(signatur_decision_reference_value(d, 0, &value, &len), SIGNATUR_STATUS_OK);
    EXPECT(len == 10 && strcmp(value, "0707614285") == 0);
    const char *json;
    EXPECT_STATUS(signatur_decision_json(d, &json, &len), SIGNATUR_STATUS_OK);
    EXPECT(strstr(json, "0707614285") == NULL && strstr(json, "XXXXXX-XXXX") != NULL);
    uint8_t sensitive = 0;
    uint32_t categories = 0;
    EXPECT_STATUS(signatur_decision_sensitive(d, &sensitive, &categories), SIGNATUR_STATUS_OK);
    EXPECT(sensitive == 1 && (categories & SIGNATUR_SENSITIVE_CATEGORY_CPR));
    /* Texts lent by the decision stay valid until the decision is freed. */
    EXPECT(strlen(label) > 0);
    signatur_decision_free(d);
}

/* A MeMo reply whose case id is `case_id` (an authority may use a CPR number as its journal
 * number), written into `buf`. */
static const char *memo_reply(char *buf, size_t len, const char *label, const char *case_id) {
    snprintf(buf, len,
             "<memo:Message xmlns:memo=\"https://DigitalPost.dk/MeMo-1\" memoVersion=\"1.2\">"
             "<memo:MessageHeader><memo:messageType>DIGITALPOST</memo:messageType>"
             "<memo:messageUUID>d2b7c9e0-8f61-4a0b-b3c4-5d6e7f809a1b</memo:messageUUID>"
             "<memo:label>%s</memo:label>"
             "<memo:ReplyData><memo:messageUUID>0a9b8c7d-6e5f-4a3b-8c1d-0e9f8a7b6c5d</memo:messageUUID>"
             "<memo:caseID>%s</memo:caseID></memo:ReplyData></memo:MessageHeader>"
             "<memo:MessageBody><memo:createdDateTime>2024-06-01T10:00:00Z</memo:createdDateTime>"
             "<memo:MainDocument><memo:File><memo:encodingFormat>text/plain</memo:encodingFormat>"
             "<memo:filename>svar.txt</memo:filename><memo:language>da</memo:language>"
             "<memo:content>SmVnIGFjY2VwdGVyZXIgdGlsYnVkZGV0Lg==</memo:content></memo:File>"
             "</memo:MainDocument></memo:MessageBody></memo:Message>",
             label, case_id);
    return buf;
}

static void personal_data_stays_masked(const signatur_model *model) {
    char xml[2048];
    signatur_message *m = NULL;
    signatur_decision *d = NULL;
    size_t len;
    /* A CPR number as the case id: masked in the JSON and in the `case` head's labels, as
     * `signatur classify --json` masks it. */
    memo_reply(xml, sizeof xml, "SV: Tilbud om plads", "150390-0005");
    EXPECT_STATUS(signatur_message_from_memo(TEXT(xml), &m), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_model_classify(model, m, &d), SIGNATUR_STATUS_OK);
    const char *json = NULL;
    EXPECT_STATUS(signatur_decision_json(d, &json, &len), SIGNATUR_STATUS_OK);
    EXPECT(json != NULL && strstr(json, "150390") == NULL && strstr(json, "0005") == NULL);
    EXPECT(json != NULL && strstr(json, "\"reference\":\"XXXXXX-XXXX\"") != NULL);
    int case_heads = 0;
    for (size_t h = 0; h < signatur_decision_head_count(d); h++) {
        const char *name;
        EXPECT_STATUS(signatur_decision_head_name(d, h, &name, &len), SIGNATUR_STATUS_OK);
        case_heads += strcmp(name, "case") == 0;
        for (size_t i = 0; i < signatur_decision_label_count(d, h); i++) {
            const char *label;
            float p;
            EXPECT_STATUS(signatur_decision_label(d, h, i, &label, &len, &p), SIGNATUR_STATUS_OK);
            EXPECT(strstr(label, "150390") == NULL);
        }
    }
    EXPECT(case_heads == 1);
    signatur_decision_free(d);
    signatur_message_free(m);

    /* A bare `&` before a CPR number in the label: the parse error says where, not what. */
    m = SENTINEL;
    memo_reply(xml, sizeof xml, "Tom & Ole cpr 070761-4285; tak", "28.03.00-G01-231-24");
    EXPECT_STATUS(signatur_message_from_memo(TEXT(xml), &m), SIGNATUR_STATUS_PARSE);
    EXPECT(m == SENTINEL);
    last_error(msgbuf, sizeof msgbuf);
    EXPECT(strstr(msgbuf, "signatur_message_from_memo") != NULL);
    EXPECT(strstr(msgbuf, "070761") == NULL && strstr(msgbuf, "4285") == NULL);
    EXPECT(strstr(msgbuf, "Ole") == NULL && strstr(msgbuf, "tak") == NULL);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL.onnx SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    errors_before_any_handle();
    too_small_buffers();
    status_texts();
    broken_models(argv[1], argv[2]);

    const signatur_model *model = NULL;
    EXPECT_STATUS(signatur_model_load(TEXT(argv[1]), &model), SIGNATUR_STATUS_OK);
    if (model == NULL) {
        return finish("abuse");
    }
    bad_messages(model);
    bad_options_and_indexes(model);
    bad_training(argv[2]);
    personal_data_stays_masked(model);

    /* A second reference to the same model file, freed first, decisions outliving it. */
    const signatur_model *second = NULL;
    EXPECT_STATUS(signatur_model_load(TEXT(argv[1]), &second), SIGNATUR_STATUS_OK);
    free_in_any_order(second);

    /* Every free function: NULL is a no-op, twice. */
    for (int i = 0; i < 2; i++) {
        signatur_model_free(NULL);
        signatur_message_free(NULL);
        signatur_message_builder_free(NULL);
        signatur_decision_free(NULL);
        signatur_classify_options_free(NULL);
        signatur_train_options_free(NULL);
        signatur_bytes_free(NULL);
    }
    signatur_model_free(model);
    return finish("abuse");
}
