/*
 * A `kle` decision at every level of the plan (issue #17): the ranked emner, grupper and
 * hovedgrupper with their summed probabilities, and the fallback when the emne abstains;
 * wrong levels, heads and indexes and NULL outputs are refused with a status.
 *
 * usage: levels KLE_MODEL.onnx (a ranker built from tests/fixtures/kle/emneplan.xml)
 */
#include "check.h"

static const char TEXT_SPECIFIC[] = "Ansøgning om særlige sociale testydelser";

static signatur_decision *classify(const signatur_model *model, const char *text, float threshold) {
    signatur_message *message = NULL;
    signatur_classify_options *options = NULL;
    signatur_decision *decision = NULL;
    EXPECT_STATUS(signatur_message_from_text(TEXT(text), &message), SIGNATUR_STATUS_OK);
    EXPECT_STATUS(signatur_classify_options_new(&options), SIGNATUR_STATUS_OK);
    if (threshold > 0) {
        EXPECT_STATUS(signatur_classify_options_set_threshold(options, TEXT("kle"), threshold),
                      SIGNATUR_STATUS_OK);
    }
    EXPECT_STATUS(signatur_model_classify_with(model, message, options, &decision), SIGNATUR_STATUS_OK);
    signatur_classify_options_free(options);
    signatur_message_free(message);
    return decision;
}

/* The best code of `level` for head 0 and its probability. */
static const char *best(const signatur_decision *d, uint32_t level, float *p) {
    const char *code = NULL;
    size_t len = 0;
    *p = -1;
    EXPECT_STATUS(signatur_decision_level_label(d, 0, level, 0, &code, &len, p), SIGNATUR_STATUS_OK);
    EXPECT(code != NULL && strlen(code) == len);
    return code != NULL ? code : "";
}

/* Each level is ranked, its codes have the level's shape, and a coarser level's best code
 * is at least as probable as the finer level's best (it holds it). */
static void check_levels(const signatur_decision *d) {
    const uint32_t levels[3] = {SIGNATUR_KLE_LEVEL_EMNE, SIGNATUR_KLE_LEVEL_GRUPPE,
                                SIGNATUR_KLE_LEVEL_HOVEDGRUPPE};
    const size_t widths[3] = {8, 5, 2};
    float previous_best = 0;
    for (int l = 0; l < 3; l++) {
        size_t n = signatur_decision_level_label_count(d, 0, levels[l]);
        EXPECT(n == 3);
        float last = 2;
        for (size_t i = 0; i < n; i++) {
            const char *code;
            size_t len;
            float p;
            EXPECT_STATUS(signatur_decision_level_label(d, 0, levels[l], i, &code, &len, &p),
                          SIGNATUR_STATUS_OK);
            EXPECT(len == widths[l] && strlen(code) == len);
            EXPECT(p >= 0 && p <= 1 && p <= last);
            last = p;
            if (i == 0) {
                EXPECT(p + 1e-6f >= previous_best);
                previous_best = p;
            }
        }
    }
    /* The emne list is the head's labels. */
    for (size_t i = 0; i < signatur_decision_label_count(d, 0); i++) {
        const char *label, *code;
        size_t label_len, code_len;
        float p, q;
        EXPECT_STATUS(signatur_decision_label(d, 0, i, &label, &label_len, &p), SIGNATUR_STATUS_OK);
        EXPECT_STATUS(
            signatur_decision_level_label(d, 0, SIGNATUR_KLE_LEVEL_EMNE, i, &code, &code_len, &q),
            SIGNATUR_STATUS_OK);
        EXPECT(strcmp(label, code) == 0 && p == q);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: levels KLE_MODEL.onnx\n");
        return 2;
    }
    const signatur_model *model = NULL;
    EXPECT_STATUS(signatur_model_load(TEXT(argv[1]), &model), SIGNATUR_STATUS_OK);
    if (model == NULL) {
        return 1;
    }

    /* 1. Sure of the emne: three ranked levels, and no fallback. */
    signatur_decision *d = classify(model, TEXT_SPECIFIC, 0);
    check_levels(d);
    float p;
    EXPECT(strcmp(best(d, SIGNATUR_KLE_LEVEL_EMNE, &p), "32.18.02") == 0);
    EXPECT(strcmp(best(d, SIGNATUR_KLE_LEVEL_GRUPPE, &p), "32.18") == 0 && p > 0.9f);
    EXPECT(strcmp(best(d, SIGNATUR_KLE_LEVEL_HOVEDGRUPPE, &p), "32") == 0);
    signatur_kle_level level = SIGNATUR_KLE_LEVEL_GRUPPE;
    const char *code = NULL;
    size_t len = 99;
    float q = -1;
    uint8_t abstain;
    float threshold;
    EXPECT_STATUS(signatur_decision_abstain(d, 0, &abstain, &threshold), SIGNATUR_STATUS_OK);
    EXPECT(!abstain);
    EXPECT_STATUS(signatur_decision_fallback(d, 0, &level, &code, &len, &q), SIGNATUR_STATUS_OK);
    EXPECT(level == SIGNATUR_KLE_LEVEL_NONE && code != NULL && code[0] == '\0' && len == 0 && q == 0);
    printf("kle %s: emne %s, gruppe %s, hovedgruppe %s\n", TEXT_SPECIFIC,
           best(d, SIGNATUR_KLE_LEVEL_EMNE, &p), best(d, SIGNATUR_KLE_LEVEL_GRUPPE, &p),
           best(d, SIGNATUR_KLE_LEVEL_HOVEDGRUPPE, &p));

    /* 2. Wrong levels, heads and indexes, and NULL outputs. */
    char buf[256];
    EXPECT(signatur_decision_level_label_count(d, 0, SIGNATUR_KLE_LEVEL_NONE) == 0);
    EXPECT(signatur_decision_level_label_count(d, 0, 77) == 0);
    EXPECT(signatur_decision_level_label_count(d, 1, SIGNATUR_KLE_LEVEL_EMNE) == 0);
    EXPECT(signatur_decision_level_label_count(NULL, 0, SIGNATUR_KLE_LEVEL_EMNE) == 0);
    EXPECT_STATUS(signatur_decision_level_label(d, 0, 77, 0, &code, &len, &q), SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT(strstr(last_error(buf, sizeof buf), "level 77") != NULL);
    EXPECT_STATUS(signatur_decision_level_label(d, 0, SIGNATUR_KLE_LEVEL_NONE, 0, &code, &len, &q),
                  SIGNATUR_STATUS_INVALID_INPUT);
    EXPECT_STATUS(signatur_decision_level_label(d, 0, SIGNATUR_KLE_LEVEL_GRUPPE, 3, &code, &len, &q),
                  SIGNATUR_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(signatur_decision_level_label(d, 1, SIGNATUR_KLE_LEVEL_GRUPPE, 0, &code, &len, &q),
                  SIGNATUR_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(signatur_decision_level_label(NULL, 0, SIGNATUR_KLE_LEVEL_GRUPPE, 0, &code, &len, &q),
                  SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_decision_level_label(d, 0, SIGNATUR_KLE_LEVEL_GRUPPE, 0, NULL, &len, &q),
                  SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_decision_level_label(d, 0, SIGNATUR_KLE_LEVEL_GRUPPE, 0, &code, &len, NULL),
                  SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_decision_fallback(d, 1, &level, &code, &len, &q), SIGNATUR_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(signatur_decision_fallback(NULL, 0, &level, &code, &len, &q), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_decision_fallback(d, 0, NULL, &code, &len, &q), SIGNATUR_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(signatur_decision_fallback(d, 0, &level, &code, NULL, &q), SIGNATUR_STATUS_NULL_ARGUMENT);
    signatur_decision_free(d);

    /* 3. A threshold above the emne's probability: the emne abstains, and the gruppe whose
     * emner together reach the threshold is the fallback. */
    d = classify(model, TEXT_SPECIFIC, 0.99f);
    check_levels(d);
    EXPECT_STATUS(signatur_decision_abstain(d, 0, &abstain, &threshold), SIGNATUR_STATUS_OK);
    EXPECT(abstain && threshold == 0.99f);
    EXPECT_STATUS(signatur_decision_fallback(d, 0, &level, &code, &len, &q), SIGNATUR_STATUS_OK);
    EXPECT(level == SIGNATUR_KLE_LEVEL_GRUPPE && strcmp(code, "32.18") == 0 && len == 5);
    EXPECT(q >= 0.99f && q == (best(d, SIGNATUR_KLE_LEVEL_GRUPPE, &p), p));
    printf("kle at threshold 0.99: abstains, falls back to %s %s (%.3f)\n",
           level == SIGNATUR_KLE_LEVEL_GRUPPE ? "gruppe" : "?", code, q);
    signatur_decision_free(d);

    signatur_model_free(model);
    if (failures > 0) {
        fprintf(stderr, "%d expectation(s) failed\n", failures);
        return 1;
    }
    printf("levels: all expectations met\n");
    return 0;
}
