/*
 * One model, 8 threads, 10,000 classifications in total (or the count given): every
 * decision's JSON must equal the one made single-threaded for the same message. Each thread
 * also fails on purpose and checks that its last error is its own.
 *
 * usage: threads MODEL.onnx [TOTAL]
 */
#include <pthread.h>

#include "check.h"

#define THREADS 8

static const char *const texts[] = {
    "Jeg vil gerne s\xc3\xb8ge om byggetilladelse til en carport p\xc3\xa5 30 m2.",
    "Vores skraldespand er ikke blevet t\xc3\xb8mt i denne uge.",
    "Min s\xc3\xb8n skal starte i b\xc3\xb8rnehaveklasse til august. Hvordan indskriver vi ham?",
    "Hvorn\xc3\xa5r har genbrugspladsen \xc3\xa5" "ben i weekenden? Ring p\xc3\xa5 tlf. 86 12 34 56.",
    "Naboen har bygget et skur i skel. Sag 02.34.02-G01-12-24.",
    "Mit barn bliver mobbet i skolen. Cpr-nr. 070761-4285. Han har angst og en diagnose.",
    "Hej, jeg har et sp\xc3\xb8rgsm\xc3\xa5l om min faktura.",
    "",
};

static const char *const raws[] = {
    "From: Ole <ole@example.dk>\r\nTo: post@kommune.dk\r\nSubject: Storskrald\r\n\r\n"
    "Jeg vil bestille afhentning af storskrald: en sofa.\r\n",
    "From: Lone <lone@example.dk>\r\nTo: byg@kommune.dk\r\nSubject: Tilbygning\r\n\r\n"
    "M\xc3\xa5 jeg bygge en tilbygning uden byggetilladelse? Skriv til lone@example.dk\r\n",
    "Subject: =?iso-8859-1?q?Skolebus?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n"
    "Har vores barn ret til gratis skolebus? Vi bor 7 km fra skolen.\r\n",
};

#define N_TEXTS (sizeof texts / sizeof texts[0])
#define N_RAWS (sizeof raws / sizeof raws[0])
#define N_MESSAGES (N_TEXTS + N_RAWS)

static const signatur_model *model;
static signatur_message *messages[N_MESSAGES];
static char *expected[N_MESSAGES];

/* The decision for message `i` as JSON, malloc'ed; NULL on failure. */
static char *classify_json(size_t i) {
    signatur_decision *d = NULL;
    const char *json;
    size_t len;
    char *copy = NULL;
    if (signatur_model_classify(model, messages[i], &d) == SIGNATUR_STATUS_OK &&
        signatur_decision_json(d, &json, &len) == SIGNATUR_STATUS_OK) {
        copy = malloc(len + 1);
        if (copy != NULL) {
            memcpy(copy, json, len + 1);
        }
    }
    signatur_decision_free(d);
    return copy;
}

struct job {
    size_t id;
    size_t count;
    size_t mismatches;
    size_t errors;
};

static void *worker(void *arg) {
    struct job *job = arg;
    /* A failure of this thread's own, distinct from every other thread's (the bad byte is
     * at offset `id`): its message must stay this thread's, which it could not be seen to
     * do if all threads failed alike. */
    signatur_message *none = NULL;
    char mine[256], after[256], want[64];
    uint8_t bad[THREADS + 1];
    memset(bad, 'a', sizeof bad);
    bad[job->id] = 0xff;
    if (signatur_message_from_text(bad, job->id + 1, &none) != SIGNATUR_STATUS_INVALID_UTF8) {
        job->errors++;
    }
    last_error(mine, sizeof mine);
    snprintf(want, sizeof want, "the first bad byte is at offset %zu)", job->id);
    for (size_t k = 0; k < job->count; k++) {
        size_t i = (job->id * 7 + k) % N_MESSAGES;
        signatur_decision *d = NULL;
        const char *json;
        size_t len;
        if (signatur_model_classify(model, messages[i], &d) != SIGNATUR_STATUS_OK ||
            signatur_decision_json(d, &json, &len) != SIGNATUR_STATUS_OK) {
            job->errors++;
        } else if (len != strlen(expected[i]) || memcmp(json, expected[i], len) != 0) {
            job->mismatches++;
        }
        signatur_decision_free(d);
    }
    last_error(after, sizeof after);
    if (strstr(mine, "signatur_message_from_text") == NULL || strstr(mine, want) == NULL ||
        strcmp(mine, after) != 0) {
        job->errors++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s MODEL.onnx [TOTAL]\n", argv[0]);
        return 2;
    }
    size_t total = argc == 3 ? (size_t)strtoul(argv[2], NULL, 10) : 10000;
    EXPECT_STATUS(signatur_model_load(TEXT(argv[1]), &model), SIGNATUR_STATUS_OK);
    for (size_t i = 0; i < N_TEXTS; i++) {
        EXPECT_STATUS(signatur_message_from_text(TEXT(texts[i]), &messages[i]), SIGNATUR_STATUS_OK);
    }
    for (size_t i = 0; i < N_RAWS; i++) {
        EXPECT_STATUS(signatur_message_from_bytes(TEXT(raws[i]), &messages[N_TEXTS + i]), SIGNATUR_STATUS_OK);
    }
    if (failures > 0) {
        return finish("threads");
    }
    /* Single-threaded reference, after a failure on the main thread. */
    EXPECT_STATUS(signatur_model_load(NULL, 1, NULL), SIGNATUR_STATUS_NULL_ARGUMENT);
    char main_error[256];
    last_error(main_error, sizeof main_error);
    for (size_t i = 0; i < N_MESSAGES; i++) {
        expected[i] = classify_json(i);
        EXPECT(expected[i] != NULL);
    }
    if (failures > 0) {
        return finish("threads");
    }

    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    for (size_t t = 0; t < THREADS; t++) {
        jobs[t].id = t;
        jobs[t].count = total / THREADS + (t < total % THREADS ? 1 : 0);
        jobs[t].mismatches = 0;
        jobs[t].errors = 0;
        EXPECT(pthread_create(&threads[t], NULL, worker, &jobs[t]) == 0);
    }
    size_t done = 0, mismatches = 0, errors = 0;
    for (size_t t = 0; t < THREADS; t++) {
        EXPECT(pthread_join(threads[t], NULL) == 0);
        done += jobs[t].count;
        mismatches += jobs[t].mismatches;
        errors += jobs[t].errors;
    }
    printf("threads: %zu classifications on %d threads, %zu differ from single-threaded, %zu errors\n", done,
           THREADS, mismatches, errors);
    EXPECT(done == total);
    EXPECT(mismatches == 0);
    EXPECT(errors == 0);
    char main_after[256];
    EXPECT(strcmp(last_error(main_after, sizeof main_after), main_error) == 0);

    for (size_t i = 0; i < N_MESSAGES; i++) {
        signatur_message_free(messages[i]);
        free(expected[i]);
    }
    signatur_model_free(model);
    return finish("threads");
}
