/*
 * Training through the C API: train on a corpus with the options the Rust test used, load
 * the model from the returned bytes, and check that it decides exactly like the model the
 * Rust API trained (training is deterministic for a seed). Then the same with the options
 * the Rust test tuned (one member, shared words at 0.5, sender at 0.25, no stop words), set
 * through their setters, against the model trained with those.
 *
 * usage: train CORPUS_DIR RUST_MODEL.onnx RUST_TUNED_MODEL.onnx
 */
#include "check.h"

static const char *const texts[] = {
    "Jeg vil gerne s\xc3\xb8ge om byggetilladelse til en carport.",
    "Skraldespanden er ikke t\xc3\xb8mt.",
    "Vores datter skal skifte skole.",
};
#define N_TEXTS (sizeof texts / sizeof texts[0])

/* Trains on `corpus` with the default options, or with the tuned ones when `tuned`; NULL
 * when training failed (counted). */
static const signatur_model *train(const char *corpus, int tuned) {
    signatur_train_options *options = NULL;
    signatur_bytes *bytes = NULL;
    EXPECT_STATUS(signatur_train_options_new(&options), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_train_options_set_hash_bits(options, 14), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_train_options_set_seed(options, 42), SIGNATUR_STATUS_OK);
    if (tuned) {
        EXPECT_STATUS(signatur_train_options_set_ensemble(options, 1), SIGNATUR_STATUS_OK);
        EXPECT_STATUS(signatur_train_options_set_shared_words(options, 0.5f), SIGNATUR_STATUS_OK);
        EXPECT_STATUS(signatur_train_options_set_field_weight(options, TEXT("sender"), 0.25f), SIGNATUR_STATUS_OK);
        EXPECT_STATUS(signatur_train_options_set_stop_words(options, TEXT("none")), SIGNATUR_STATUS_OK);
    }
    EXPECT_STATUS(signatur_train_from_path(TEXT(corpus), options, &bytes), SIGNATUR_STATUS_OK);
    signatur_train_options_free(options);
    if (bytes == NULL) {
        char msg[1024];
        fprintf(stderr, "training failed: %s\n", last_error(msg, sizeof msg));
        failures++;
        return NULL;
    }
    const uint8_t *data = NULL;
    size_t len = 0;
    const signatur_model *trained = NULL;
    EXPECT_STATUS(signatur_bytes_data(bytes, &data, &len), SIGNATUR_STATUS_OK);
    EXPECT(len > 1000);
    EXPECT_STATUS(signatur_model_from_bytes(data, len, &trained), SIGNATUR_STATUS_OK);
    signatur_bytes_free(bytes); /* the model keeps nothing of the bytes */
    return trained;
}

/* The decision of `model` on text `i` as JSON, copied into `out` (empty when it failed). */
static void decision_json(const signatur_model *model, size_t i, char *out, size_t cap) {
    signatur_message *m = NULL;
    signatur_decision *d = NULL;
    const char *json = NULL;
    size_t len = 0;
    out[0] = 0;
    EXPECT_STATUS(signatur_message_from_text(TEXT(texts[i]), &m), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_model_classify(model, m, &d), SIGNATUR_STATUS_OK);
    if (d != NULL) {
        EXPECT_STATUS(signatur_decision_json(d, &json, &len), SIGNATUR_STATUS_OK);
        EXPECT(len < cap);
        if (json != NULL && len < cap) {
            memcpy(out, json, len);
            out[len] = 0;
        }
    }
    signatur_decision_free(d);
    signatur_message_free(m);
}

/* 1 when `a` and `b` decide every text alike, byte for byte, 0 when they differ (the first
 * difference reported when `report`), -1 when a decision failed (counted as a failure). */
static int decide_alike(const signatur_model *a, const signatur_model *b, const char *what, int report) {
    static char ja[16384], jb[16384];
    for (size_t i = 0; i < N_TEXTS; i++) {
        decision_json(a, i, ja, sizeof ja);
        decision_json(b, i, jb, sizeof jb);
        if (ja[0] == 0 || jb[0] == 0) {
            fprintf(stderr, "%s, message %zu: no decision\n", what, i);
            failures++;
            return -1;
        }
        if (strcmp(ja, jb) != 0) {
            if (report) {
                fprintf(stderr, "%s, message %zu: the models differ:\n%s\n%s\n", what, i, ja, jb);
            }
            return 0;
        }
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s CORPUS_DIR RUST_MODEL.onnx RUST_TUNED_MODEL.onnx\n", argv[0]);
        return 2;
    }
    const signatur_model *trained = train(argv[1], 0);
    const signatur_model *tuned = train(argv[1], 1);
    const signatur_model *reference = NULL, *tuned_reference = NULL;
    EXPECT_STATUS(signatur_model_load(TEXT(argv[2]), &reference), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_model_load(TEXT(argv[3]), &tuned_reference), SIGNATUR_STATUS_OK);
    if (trained == NULL || tuned == NULL || reference == NULL || tuned_reference == NULL) {
        signatur_model_free(trained);
        signatur_model_free(tuned);
        signatur_model_free(reference);
        signatur_model_free(tuned_reference);
        return finish("train");
    }
    const char *summary;
    size_t len = 0;
    EXPECT_STATUS(signatur_model_summary_json(trained, &summary, &len), SIGNATUR_STATUS_OK);
    EXPECT(strstr(summary, "\"messages\":24") != NULL);
    EXPECT(decide_alike(trained, reference, "C-trained and Rust-trained", 1) == 1);
    EXPECT(decide_alike(tuned, tuned_reference, "C-tuned and Rust-tuned", 1) == 1);
    /* The tuned options change the model, so the comparison above tells them apart. */
    EXPECT(decide_alike(trained, tuned, "default and tuned", 0) == 0);
    signatur_model_free(tuned);
    signatur_model_free(tuned_reference);
    const uint8_t *data = NULL;

    /* Learning from corrections: a message about a carport the municipality files under
     * "affald" (an invented rule), corrected until the model agrees; then the updated model
     * is exported, loaded again, and names its parent. */
    signatur_message *m = NULL;
    EXPECT_STATUS(signatur_message_from_text(TEXT(texts[0]), &m), SIGNATUR_STATUS_OK);
    signatur_label correction = {(const uint8_t *)"label", 5, (const uint8_t *)"affald", 6};
    /* A confirmed message kept for replay only: not a correction, and checked like one. */
    signatur_message *kept = NULL;
    EXPECT_STATUS(signatur_message_from_text(TEXT(texts[1]), &kept), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_model_remember(trained, kept, &correction, 1), SIGNATUR_STATUS_OK);
    signatur_label nohead = {(const uint8_t *)"team", 4, (const uint8_t *)"x", 1};
    EXPECT_STATUS(signatur_model_remember(trained, kept, &nohead, 1), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_model_remember(NULL, kept, &correction, 1), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_model_remember(trained, NULL, &correction, 1), SIGNATUR_STATUS_NULL_ARGUMENT);
    signatur_message_free(kept);
    int moved = 0;
    for (int i = 0; i < 10 && !moved; i++) {
        EXPECT_STATUS(signatur_model_learn(trained, m, &correction, 1), SIGNATUR_STATUS_OK);
        signatur_decision *d = NULL;
        EXPECT_STATUS(signatur_model_classify(trained, m, &d), SIGNATUR_STATUS_OK);
        const char *label = NULL;
        size_t label_len = 0;
        float p = 0;
        if (d != NULL) {
            EXPECT_STATUS(signatur_decision_label(d, 0, 0, &label, &label_len, &p), SIGNATUR_STATUS_OK);
            moved = label != NULL && label_len == 6 && memcmp(label, "affald", 6) == 0;
        }
        signatur_decision_free(d);
    }
    EXPECT(moved);
    /* Bad corrections are refused and change nothing. */
    signatur_label unknown = {(const uint8_t *)"team", 4, (const uint8_t *)"x", 1};
    signatur_label bad_utf8 = {(const uint8_t *)"label", 5, (const uint8_t *)"\xff", 1};
    EXPECT_STATUS(signatur_model_learn(trained, m, &unknown, 1), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_model_learn(trained, m, &bad_utf8, 1), SIGNATUR_STATUS_INVALID_UTF8);
    EXPECT_STATUS(signatur_model_learn(trained, m, NULL, 1), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_model_learn(trained, m, NULL, 0), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_model_learn(NULL, m, &correction, 1), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_model_learn(trained, m, &correction, SIZE_MAX), SIGNATUR_STATUS_INVALID_INPUT);
    signatur_bytes *exported = NULL;
    EXPECT_STATUS(signatur_model_export(trained, &exported), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_model_export(trained, NULL), SIGNATUR_STATUS_NULL_ARGUMENT);
    if (exported != NULL) {
        const signatur_model *updated = NULL;
        EXPECT_STATUS(signatur_bytes_data(exported, &data, &len), SIGNATUR_STATUS_OK);
        EXPECT_STATUS(signatur_model_from_bytes(data, len, &updated), SIGNATUR_STATUS_OK);
        signatur_bytes_free(exported);
        if (updated != NULL) {
            EXPECT_STATUS(signatur_model_summary_json(updated, &summary, &len), SIGNATUR_STATUS_OK);
            EXPECT(strstr(summary, "\"parent\":\"") != NULL);
            EXPECT(strstr(summary, "\"corrections_since_training\":0") == NULL);
        }
        signatur_model_free(updated);
    }
    signatur_message_free(m);
    signatur_model_free(trained);
    signatur_model_free(reference);
    return finish("train");
}
