/* fuzz target: the form decoder (gateway/open311/form.c), the body of an
 * Open311 POST. Besides not crashing: every pair it gives has a name of
 * 1..GW_FORM_MAX_NAME bytes and a value, both valid UTF-8, and there are at
 * most GW_FORM_MAX_FIELDS of them; a refusal names a field. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "loa_text.h"
#include "open311/form.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    gw_form_error err = {{0}};
    gw_form *f = gw_form_parse ((const char *) data, size, &err);
    if (!f) {
        FUZZ_CHECK (err.field[0]);
        return 0;
    }
    size_t n = gw_form_size (f);
    FUZZ_CHECK (n <= GW_FORM_MAX_FIELDS);
    for (size_t i = 0; i < n; i++) {
        const char *name = gw_form_name (f, i), *value = gw_form_value (f, i);
        FUZZ_CHECK (name && value);
        FUZZ_CHECK (*name && strlen (name) <= GW_FORM_MAX_NAME);
        FUZZ_CHECK (loa_utf8_valid (name) && loa_utf8_valid (value));
        FUZZ_CHECK (gw_form_count (f, name) >= 1);
        FUZZ_CHECK (gw_form_get (f, name) != NULL);
    }
    FUZZ_CHECK (gw_form_name (f, n) == NULL);
    gw_form_destroy (&f);
    gw_form_destroy (&f);
    return 0;
}
