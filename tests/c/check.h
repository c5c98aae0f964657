/* Assertions and file reading shared by the C test programs. Each program counts failed
 * expectations and exits non-zero when there were any. */
#ifndef SIGNATUR_TEST_CHECK_H
#define SIGNATUR_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signatur.h"

static int failures = 0;

#define TEXT(s) (const uint8_t *)(s), strlen(s)

#define EXPECT(cond)                                                                        \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);             \
            failures++;                                                                     \
        }                                                                                   \
    } while (0)

#define EXPECT_STATUS(call, want)                                                           \
    do {                                                                                    \
        signatur_status got_ = (call);                                                      \
        if (got_ != (signatur_status)(want)) {                                              \
            fprintf(stderr, "%s:%d: %s returned %u (%s), expected %u (%s)\n", __FILE__,     \
                    __LINE__, #call, (unsigned)got_, signatur_status_str(got_),             \
                    (unsigned)(want), signatur_status_str(want));                           \
            failures++;                                                                     \
        }                                                                                   \
    } while (0)

/* This thread's last error message, in a static buffer of the calling test. */
static inline const char *last_error(char *buf, size_t len) {
    size_t n = 0;
    if (signatur_last_error(buf, len, &n) != SIGNATUR_STATUS_OK) {
        buf[0] = '\0';
    }
    return buf;
}

/* The whole file at `path`, malloc'ed; `*len` its length. Exits on failure. */
static inline uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    long size = ftell(f);
    uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
    if (size < 0 || data == NULL || fseek(f, 0, SEEK_SET) != 0 ||
        fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *len = (size_t)size;
    return data;
}

/* Exit status of a test program: 0 when every expectation held. */
static inline int finish(const char *name) {
    if (failures > 0) {
        fprintf(stderr, "%s: %d expectation(s) failed\n", name, failures);
        return 1;
    }
    printf("%s: ok\n", name);
    return 0;
}

#endif
