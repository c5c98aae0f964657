/*
 * The host's case directory as a C callback: a known case decides the unit, kle and facet
 * heads (by the cited case number and by the mail thread); a callback that fails, times
 * out, returns garbage, too-long or non-UTF-8 strings, or an unknown result code leaves a
 * model decision with the reason in the decision; an SBSYS number decides kle and facet
 * without a directory; 4 threads share one directory; the directory may be freed before
 * the options that use it.
 *
 * usage: directory MODEL.onnx
 */
#include <pthread.h>

#include "check.h"

enum mode {
    KNOWN,        /* answers the case 2024-012345 and the thread <letter-1@egeskov.dk> */
    FAILS,        /* SIGNATUR_CASE_LOOKUP_RESULT_FAILED with a reason */
    TIMES_OUT,    /* SIGNATUR_CASE_LOOKUP_RESULT_TIMEOUT */
    BAD_KLE,      /* FOUND, with a KLE code that is none */
    TOO_LONG,     /* FOUND, after a unit of 100,000 bytes was refused */
    BAD_UTF8,     /* FOUND, after a unit that is not UTF-8 was refused */
    BAD_RESULT,   /* returns 99 */
    ZERO_RESULT,  /* returns 0 */
};

struct host {
    enum mode mode;
    pthread_mutex_t lock;
    unsigned long calls;
    int bad_set_status_seen; /* the setter refused what it had to refuse */
};

static uint32_t lookup(void *userdata, uint32_t query, const uint8_t *key, size_t key_len,
                       signatur_case_answer *answer) {
    struct host *h = (struct host *)userdata;
    pthread_mutex_lock(&h->lock);
    h->calls++;
    pthread_mutex_unlock(&h->lock);
    /* The key is NUL-terminated as well as counted. */
    if (key[key_len] != '\0') {
        return 77;
    }
    switch (h->mode) {
    case KNOWN: {
        int known = (query == SIGNATUR_CASE_QUERY_REFERENCE &&
                     strcmp((const char *)key, "2024-012345") == 0) ||
                    (query == SIGNATUR_CASE_QUERY_MESSAGE_ID &&
                     strcmp((const char *)key, "letter-1@egeskov.dk") == 0);
        if (!known) {
            return SIGNATUR_CASE_LOOKUP_RESULT_UNKNOWN;
        }
        if (signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_REFERENCE,
                                     TEXT("02.34.02-P19-12-24")) != SIGNATUR_STATUS_OK ||
            signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_UNIT,
                                     TEXT("Byggeri og Milj\xc3\xb8")) != SIGNATUR_STATUS_OK ||
            signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_KLE, TEXT("02.34.02")) !=
                SIGNATUR_STATUS_OK ||
            signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_FACET, TEXT("P19")) !=
                SIGNATUR_STATUS_OK ||
            signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_TITLE,
                                     TEXT("Carport, Vestergade 3")) != SIGNATUR_STATUS_OK) {
            return SIGNATUR_CASE_LOOKUP_RESULT_FAILED;
        }
        return SIGNATUR_CASE_LOOKUP_RESULT_FOUND;
    }
    case FAILS:
        signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_REASON, TEXT("ESDH offline"));
        return SIGNATUR_CASE_LOOKUP_RESULT_FAILED;
    case TIMES_OUT:
        return SIGNATUR_CASE_LOOKUP_RESULT_TIMEOUT;
    case BAD_KLE:
        signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_UNIT, TEXT("Byg"));
        signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_KLE, TEXT("\x01garbage"));
        return SIGNATUR_CASE_LOOKUP_RESULT_FOUND;
    case TOO_LONG: {
        static char big[100000];
        memset(big, 'x', sizeof big);
        if (signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_UNIT, (const uint8_t *)big,
                                     sizeof big) == SIGNATUR_STATUS_TOO_LARGE) {
            h->bad_set_status_seen = 1;
        }
        signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_KLE, TEXT("02.34.02"));
        return SIGNATUR_CASE_LOOKUP_RESULT_FOUND;
    }
    case BAD_UTF8:
        if (signatur_case_answer_set(answer, SIGNATUR_CASE_FIELD_UNIT, TEXT("Milj\xf8")) ==
            SIGNATUR_STATUS_INVALID_UTF8) {
            h->bad_set_status_seen = 1;
        }
        /* An unknown field is refused too. */
        EXPECT_STATUS(signatur_case_answer_set(answer, 42, TEXT("x")),
                      SIGNATUR_STATUS_INVALID_INPUT);
        return SIGNATUR_CASE_LOOKUP_RESULT_FOUND;
    case BAD_RESULT:
        return 99;
    case ZERO_RESULT:
        return 0;
    }
    return SIGNATUR_CASE_LOOKUP_RESULT_FAILED;
}

static const char *const REPLY =
    "From: Borger <borger@example.dk>\r\nTo: byggeri@egeskov.dk\r\n"
    "Subject: SV: Din ans\xc3\xb8gning\r\nDate: Tue, 13 Aug 2024 10:00:00 +0200\r\n"
    "Message-ID: <reply-1@example.dk>\r\nIn-Reply-To: <letter-1@egeskov.dk>\r\n"
    "References: <letter-1@egeskov.dk>\r\n\r\n"
    "Tak, jeg sender tegningerne til carporten i morgen.\r\n";

static const char *const CITES =
    "Vores j.nr. 2024-012345. Vi sender hermed tegningerne til carporten.";

/* The index of head `name` in `d`, or (size_t)-1. */
static size_t head_index(const signatur_decision *d, const char *name) {
    size_t n = signatur_decision_head_count(d);
    for (size_t h = 0; h < n; h++) {
        const char *s;
        size_t len;
        if (signatur_decision_head_name(d, h, &s, &len) == SIGNATUR_STATUS_OK &&
            len == strlen(name) && memcmp(s, name, len) == 0) {
            return h;
        }
    }
    return (size_t)-1;
}

/* Expects head `name` of `d` to be `label` (any label when NULL), decided by `by`. */
static void expect_head(const signatur_decision *d, const char *name, const char *label,
                        signatur_decided_by by) {
    size_t h = head_index(d, name);
    const char *s;
    size_t len;
    float p;
    signatur_decided_by got;
    EXPECT(h != (size_t)-1);
    if (h == (size_t)-1) {
        fprintf(stderr, "  no head %s\n", name);
        return;
    }
    EXPECT_STATUS(signatur_decision_label(d, h, 0, &s, &len, &p), SIGNATUR_STATUS_OK);
    EXPECT(label == NULL || (len == strlen(label) && memcmp(s, label, len) == 0));
    EXPECT_STATUS(signatur_decision_decided_by(d, h, &got), SIGNATUR_STATUS_OK);
    EXPECT(got == by);
}

/* The decision's JSON contains `needle`. */
static int json_has(const signatur_decision *d, const char *needle) {
    const char *json;
    size_t len;
    if (signatur_decision_json(d, &json, &len) != SIGNATUR_STATUS_OK) {
        return 0;
    }
    return strstr(json, needle) != NULL;
}

static signatur_decision *classify(const signatur_model *model,
                                   const signatur_classify_options *opts, const char *raw,
                                   int is_mail) {
    signatur_message *msg = NULL;
    signatur_decision *d = NULL;
    signatur_status s = is_mail ? signatur_message_from_bytes(TEXT(raw), &msg)
                                : signatur_message_from_text(TEXT(raw), &msg);
    EXPECT_STATUS(s, SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_model_classify_with(model, msg, opts, &d), SIGNATUR_STATUS_OK);
    signatur_message_free(msg);
    return d;
}

/* Options with a directory asking `host`; the directory itself is freed at once: the
 * options keep it. */
static signatur_classify_options *options_for(struct host *host) {
    signatur_classify_options *opts = NULL;
    signatur_case_directory *dir = NULL;
    EXPECT_STATUS(signatur_classify_options_new(&opts), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_case_directory_new(lookup, host, 0, &dir), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_classify_options_set_case_directory(opts, dir), SIGNATUR_STATUS_OK);
    signatur_case_directory_free(dir);
    return opts;
}

struct job {
    const signatur_model *model;
    const signatur_classify_options *opts;
    int ok;
};

static void *worker(void *arg) {
    struct job *j = (struct job *)arg;
    j->ok = 1;
    for (int i = 0; i < 50; i++) {
        signatur_decision *d = classify(j->model, j->opts, (i % 2) ? REPLY : CITES, i % 2);
        size_t h = d ? head_index(d, "unit") : (size_t)-1;
        signatur_decided_by by = SIGNATUR_DECIDED_BY_MODEL;
        if (h == (size_t)-1 || signatur_decision_decided_by(d, h, &by) != SIGNATUR_STATUS_OK ||
            by != ((i % 2) ? SIGNATUR_DECIDED_BY_THREAD : SIGNATUR_DECIDED_BY_DIRECTORY)) {
            j->ok = 0;
        }
        signatur_decision_free(d);
    }
    return NULL;
}

int main(int argc, char **argv) {
    const signatur_model *model = NULL;
    signatur_case_directory *dir = NULL;
    char err[512];
    if (argc != 2) {
        fprintf(stderr, "usage: directory MODEL.onnx\n");
        return 2;
    }
    EXPECT_STATUS(signatur_model_load(TEXT(argv[1]), &model), SIGNATUR_STATUS_OK);

    /* Arguments. */
    EXPECT_STATUS(signatur_case_directory_new(NULL, NULL, 0, &dir), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT(strstr(last_error(err, sizeof err), "callback") != NULL);
    EXPECT_STATUS(signatur_case_directory_new(lookup, NULL, 0, NULL),
                  SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_case_answer_set(NULL, SIGNATUR_CASE_FIELD_UNIT, TEXT("x")),
                  SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_classify_options_set_case_directory(NULL, NULL),
                  SIGNATUR_STATUS_NULL_ARGUMENT);
    signatur_case_directory_free(NULL);

    struct host host = {KNOWN, PTHREAD_MUTEX_INITIALIZER, 0, 0};
    signatur_classify_options *opts = options_for(&host);

    /* A cited case the directory knows decides unit, kle and facet. */
    signatur_decision *d = classify(model, opts, CITES, 0);
    expect_head(d, "unit", "Byggeri og Milj\xc3\xb8", SIGNATUR_DECIDED_BY_DIRECTORY);
    expect_head(d, "kle", "02.34.02", SIGNATUR_DECIDED_BY_DIRECTORY);
    expect_head(d, "facet", "P19", SIGNATUR_DECIDED_BY_DIRECTORY);
    expect_head(d, "label", NULL, SIGNATUR_DECIDED_BY_MODEL);
    EXPECT(json_has(d, "\"source\":\"directory\""));
    EXPECT(json_has(d, "\"by\":\"directory\",\"reference\":\"02.34.02-P19-12-24\""));
    signatur_decision_free(d);

    /* A reply in a journaled thread inherits its case. */
    d = classify(model, opts, REPLY, 1);
    expect_head(d, "unit", "Byggeri og Milj\xc3\xb8", SIGNATUR_DECIDED_BY_THREAD);
    EXPECT(json_has(d, "\"source\":\"thread\""));
    signatur_decision_free(d);

    /* An SBSYS number decides kle and facet without the directory knowing it. */
    d = classify(model, opts, "Sagsnr. 09.13.01-G01-7-24: der er rotter i haven.", 0);
    expect_head(d, "kle", "09.13.01", SIGNATUR_DECIDED_BY_CASE_NUMBER);
    expect_head(d, "facet", "G01", SIGNATUR_DECIDED_BY_CASE_NUMBER);
    EXPECT(head_index(d, "unit") == (size_t)-1);
    signatur_decision_free(d);

    /* Four threads share the options and the directory. */
    unsigned long before = host.calls;
    pthread_t threads[4];
    struct job jobs[4];
    for (int t = 0; t < 4; t++) {
        jobs[t].model = model;
        jobs[t].opts = opts;
        EXPECT(pthread_create(&threads[t], NULL, worker, &jobs[t]) == 0);
    }
    for (int t = 0; t < 4; t++) {
        EXPECT(pthread_join(threads[t], NULL) == 0);
        EXPECT(jobs[t].ok);
    }
    EXPECT(host.calls - before >= 200);
    signatur_classify_options_free(opts);

    /* Every failure leaves the model's decision and says why. */
    static const struct {
        enum mode mode;
        const char *note;
    } failing[] = {
        {FAILS, "ESDH offline"},
        {TIMES_OUT, "\"kind\":\"lookup_timeout\""},
        {BAD_KLE, "\"kind\":\"invalid_answer\""},
        {TOO_LONG, "not usable"},
        {BAD_UTF8, "not usable"},
        {BAD_RESULT, "returned 99"},
        {ZERO_RESULT, "returned 0"},
    };
    for (size_t i = 0; i < sizeof failing / sizeof failing[0]; i++) {
        struct host h = {failing[i].mode, PTHREAD_MUTEX_INITIALIZER, 0, 0};
        signatur_classify_options *o = options_for(&h);
        d = classify(model, o, CITES, 0);
        EXPECT(head_index(d, "unit") == (size_t)-1);
        expect_head(d, "label", NULL, SIGNATUR_DECIDED_BY_MODEL);
        if (!json_has(d, failing[i].note)) {
            fprintf(stderr, "  mode %d: the decision does not say %s\n", (int)failing[i].mode,
                    failing[i].note);
            failures++;
        }
        EXPECT(h.calls >= 1);
        if (failing[i].mode == TOO_LONG || failing[i].mode == BAD_UTF8) {
            EXPECT(h.bad_set_status_seen);
        }
        signatur_decision_free(d);
        /* Removing the directory: no more lookups. */
        unsigned long calls = h.calls;
        EXPECT_STATUS(signatur_classify_options_set_case_directory(o, NULL), SIGNATUR_STATUS_OK);
        signatur_decision_free(classify(model, o, CITES, 0));
        EXPECT(h.calls == calls);
        signatur_classify_options_free(o);
    }

    signatur_model_free(model);
    if (failures > 0) {
        fprintf(stderr, "directory: %d failed expectations\n", failures);
        return 1;
    }
    printf("directory: ok\n");
    return 0;
}
