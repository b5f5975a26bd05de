/* admin_cli: `gateway --create-admin [USERNAME]` (the image's `loa-admin
 * create-admin`): an admin account made from the command line, its
 * password read from the terminal (twice, without echo) or from standard
 * input, never from an argument, the environment or a log (auth.h). */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth/auth.h"
#include "auth/auth_int.h"
#include "auth/store.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_log.h"

#define LINE_MAX_BYTES (MAX_PASSWORD + 2)

/* One line from `in` into buf (its newline dropped); -1 at end of input or
 * when the line is longer than the buffer. */
static int read_line (FILE *in, char *buf, size_t size)
{
    if (!fgets (buf, (int) size, in))
        return -1;
    size_t n = strlen (buf);
    if (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (!feof (in))
        return -1; /* longer than the buffer */
    if (n > 0 && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return 0;
}

/* The password from the terminal, asked twice with echo off. */
static int ask (char *pw, size_t size)
{
    char again[LINE_MAX_BYTES];
    struct termios old, quiet;
    if (tcgetattr (STDIN_FILENO, &old) != 0)
        return -1;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t) ECHO;
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    fputs ("Mật khẩu / password: ", stderr);
    int rc = read_line (stdin, pw, size);
    fputs ("\nNhập lại / again: ", stderr);
    if (rc == 0)
        rc = read_line (stdin, again, sizeof again);
    fputs ("\n", stderr);
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
    if (rc == 0 && strcmp (pw, again) != 0) {
        fputs ("create-admin: the two passwords differ\n", stderr);
        rc = -1;
    }
    sodium_memzero (again, sizeof again);
    return rc;
}

int gw_auth_create_admin (PGconn *db, const char *username)
{
    char pw[LINE_MAX_BYTES], hash[crypto_pwhash_STRBYTES];
    int status = 1;
    /* The API's own rules (auth/users.c, auth/fields.c), so that an account
     * made here is one the console can edit. */
    if (!auth_valid_username (username)) {
        fprintf (stderr, "create-admin: the username must be 3 to 64 of a-z, 0-9, '.', '_', '-'\n");
        return 2;
    }
    int got = isatty (STDIN_FILENO) ? ask (pw, sizeof pw) : read_line (stdin, pw, sizeof pw);
    if (got != 0) {
        fprintf (stderr,
                 "create-admin: no password read (one line on standard input, at most "
                 "%d bytes)\n",
                 MAX_PASSWORD);
        goto out;
    }
    if (auth_password_problem (pw)) {
        fprintf (stderr, "create-admin: the password must be %d characters to %d bytes of UTF-8\n",
                 MIN_PASSWORD, MAX_PASSWORD);
        goto out;
    }
    /* The statements name the gateway schema's tables unqualified, as on
     * the loops' sessions (loa_db_url_with_schema). */
    if (sodium_init () < 0 || auth_hash_password (pw, hash) != 0 ||
        loa_db_exec (db, "SET search_path TO gateway, public") != 0 || gw_store_prepare (db) != 0) {
        fprintf (stderr, "create-admin: cannot hash the password or prepare the statements\n");
        goto out;
    }
    gw_user u;
    int rc = gw_store_user_create (db, username, "Quản trị hệ thống", 0, "{admin}", hash, "", &u);
    if (rc == GW_STORE_CONFLICT)
        fprintf (stderr, "create-admin: the username %s is taken\n", username);
    else if (rc != GW_STORE_OK)
        fprintf (stderr, "create-admin: the account could not be stored (see the log)\n");
    else {
        loa_info (NULL, "auth: created the admin account %s (id %lld) from the command line",
                  username, (long long) u.id);
        printf ("Đã tạo tài khoản quản trị / admin account created: %s\n", username);
        status = 0;
    }
out:
    sodium_memzero (pw, sizeof pw);
    sodium_memzero (hash, sizeof hash);
    return status;
}
