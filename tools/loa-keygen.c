/* loa-keygen: makes the CURVE key pairs of Loa's programs (the ZeroMQ
 * inside: services/common/loa_curve.h, docs/security.md).
 *
 *   loa-keygen DIR NAME...
 *
 * For each NAME ("gateway", "content-svc", "loa-rpc"), DIR/NAME.key (the
 * secret, 0600) and DIR/NAME.pub (the public key, 0644), unless both are
 * there already: running it again changes nothing, so `make run` and a
 * deployment script may call it on every start. DIR is made 0700 when
 * missing. To rotate a program's key, remove its two files, run this again,
 * and restart every program (the servers read the allow-list, DIR's *.pub,
 * at each new connection; the clients read a server's key when they
 * connect). Prints the path of each file made. Exit status: 0, 1 on a
 * failure (named), 2 for a usage error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "loa_curve.h"

int main (int argc, char **argv)
{
    if (argc < 3 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0) {
        fprintf (argc < 3 ? stderr : stdout,
                 "usage: loa-keygen DIR NAME...\n"
                 "  makes DIR/NAME.key (secret, 0600) and DIR/NAME.pub for each NAME\n"
                 "  ([a-z0-9._-], e.g. gateway content-svc loa-rpc), unless present\n");
        return argc < 3 ? 2 : 0;
    }
    umask (077);
    int rc = 0;
    for (int i = 2; i < argc; i++) {
        int made = loa_curve_keygen (argv[1], argv[i]);
        if (made < 0) {
            fprintf (stderr, "loa-keygen: %s/%s: %s\n", argv[1], argv[i],
                     errno == EINVAL ? "not a valid key name or key file" : strerror (errno));
            rc = 1;
        } else if (made)
            printf ("%s/%s.key %s/%s.pub\n", argv[1], argv[i], argv[1], argv[i]);
    }
    return rc;
}
