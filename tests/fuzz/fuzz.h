/* fuzz: what every fuzz target of tests/fuzz/ shares. A target is one
 * tests/fuzz/<name>.c defining LLVMFuzzerTestOneInput (and, when it needs
 * set-up, LLVMFuzzerInitialize); make fuzz links it with libFuzzer and
 * everything the unit tests link, and tests/fuzz/run.sh runs it over
 * tests/fuzz/corpus/<name>/. A property is checked with FUZZ_CHECK, which
 * aborts (a crash libFuzzer reports) whatever NDEBUG says. */
#ifndef LOA_FUZZ_H
#define LOA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf (stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort ();                                                                              \
        }                                                                                          \
    } while (0)

/* A NUL-terminated copy of data[0..size) (malloc'ed; aborts when out of
 * memory, which the fuzzer's limits make a finding anyway). */
static inline char *fuzz_strndup (const uint8_t *data, size_t size)
{
    char *s = malloc (size + 1);
    if (!s)
        abort ();
    for (size_t i = 0; i < size; i++)
        s[i] = (char) data[i];
    s[size] = '\0';
    return s;
}

#endif
