#include "loa_curve.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "loa_config.h"
#include "loa_endpoints.h"
#include "loa_log.h"

#define Z85_KEY 40 /* a 32-byte key in Z85 text */
#define ZAP_DOMAIN "loa"
#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define NAME_MAX_LEN 48

static struct {
    int on;
    char self[NAME_MAX_LEN + 1];
    char dir[PATH_MAX];
    char public_key[Z85_KEY + 1];
    char secret_key[Z85_KEY + 1];
} curve;

/* A key's name becomes a file name: [a-z0-9._-], no leading dot. */
static int name_ok (const char *name)
{
    size_t n = name ? strlen (name) : 0;
    if (n == 0 || n > NAME_MAX_LEN || name[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
              name[i] == '-' || name[i] == '_' || name[i] == '.'))
            return 0;
    return 1;
}

/* dir/name.ext into out (PATH_MAX bytes): 0, or -1 when too long. */
static int key_path (char *out, const char *dir, const char *name, const char *ext)
{
    int n = snprintf (out, PATH_MAX, "%s/%s.%s", dir, name, ext);
    return n > 0 && n < PATH_MAX ? 0 : -1;
}

/* Reads the Z85 key text of `path` into key (Z85_KEY + 1 bytes): 0, or -1
 * when it cannot be read or holds no valid key. */
static int read_key (const char *path, char *key)
{
    int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    char buf[Z85_KEY + 8];
    ssize_t n = read (fd, buf, sizeof buf - 1);
    close (fd);
    if (n < Z85_KEY)
        return -1;
    buf[n] = '\0';
    for (ssize_t i = Z85_KEY; i < n; i++) /* only blank space after the key */
        if (buf[i] != '\n' && buf[i] != '\r' && buf[i] != ' ' && buf[i] != '\t')
            return -1;
    buf[Z85_KEY] = '\0';
    uint8_t bin[32];
    if (!zmq_z85_decode (bin, buf))
        return -1;
    memcpy (key, buf, Z85_KEY + 1);
    return 0;
}

long loa_zmq_max_msg (void)
{
    return loa_env_int ("LOA_ZMQ_MAX_MSG", LOA_ZMQ_MAX_MSG_DEFAULT, 65536, 1L << 30);
}

int loa_curve_setup (const char *self)
{
    loa_curve_clear ();
    const char *mode = loa_env ("LOA_CURVE", "on");
    if (strcmp (mode, "off") == 0) {
        loa_warn (NULL, "curve: LOA_CURVE=off: the ZeroMQ ports take anyone who reaches them "
                        "(development only; docs/security.md)");
        return 0;
    }
    if (strcmp (mode, "on") != 0) {
        loa_error (NULL, "curve: LOA_CURVE is \"on\" (the default) or \"off\", not \"%s\"", mode);
        return -1;
    }
    if (!zmq_has ("curve")) {
        loa_error (NULL, "curve: this libzmq is built without CURVE");
        return -1;
    }
    const char *dir = loa_env ("LOA_KEYS_DIR", NULL);
    if (!dir) {
        loa_error (NULL, "curve: LOA_KEYS_DIR is not set: it names the folder of the programs' "
                         "public keys (tools/loa-keygen makes them; docs/security.md). "
                         "LOA_CURVE=off runs without keys, for development only");
        return -1;
    }
    if (!name_ok (self) || strlen (dir) >= sizeof curve.dir - NAME_MAX_LEN - 8) {
        loa_error (NULL, "curve: bad key name or LOA_KEYS_DIR");
        return -1;
    }
    char path[PATH_MAX];
    const char *secret = loa_env ("LOA_SECRET_KEY_FILE", NULL);
    if (!secret) {
        if (key_path (path, dir, self, "key") != 0)
            return -1;
        secret = path;
    }
    struct stat st;
    errno = 0;
    if (read_key (secret, curve.secret_key) != 0 || stat (secret, &st) != 0) {
        loa_error (NULL, "curve: cannot read a secret key from %s: %s", secret,
                   errno ? strerror (errno) : "not a Z85 key");
        return -1;
    }
    /* Group bits are fine when the group is the program's own (a
     * Kubernetes Secret volume with fsGroup: root-owned, mode 0440, the
     * pod's group); anyone else's group or others are not. */
    if ((st.st_mode & S_IRWXO) || ((st.st_mode & S_IRWXG) && st.st_gid != getegid ()))
        loa_warn (NULL, "curve: %s is readable by others (mode %03o): chmod 600 it", secret,
                  (unsigned) (st.st_mode & 0777));
    if (zmq_curve_public (curve.public_key, curve.secret_key) != 0) {
        loa_error (NULL, "curve: %s holds no valid secret key", secret);
        memset (curve.secret_key, 0, sizeof curve.secret_key);
        return -1;
    }
    snprintf (curve.self, sizeof curve.self, "%s", self);
    snprintf (curve.dir, sizeof curve.dir, "%s", dir);
    curve.on = 1;
    loa_debug (NULL, "curve: on, as %s (public key %s), keys in %s", self, curve.public_key, dir);
    return 0;
}

void loa_curve_clear (void) { memset (&curve, 0, sizeof curve); }

int loa_curve_on (void) { return curve.on; }

int loa_curve_server (void *sock)
{
    if (!curve.on)
        return 0;
    int one = 1;
    if (zmq_setsockopt (sock, ZMQ_CURVE_SERVER, &one, sizeof one) != 0 ||
        zmq_setsockopt (sock, ZMQ_CURVE_SECRETKEY, curve.secret_key, Z85_KEY) != 0 ||
        zmq_setsockopt (sock, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen (ZAP_DOMAIN)) != 0) {
        loa_error (NULL, "curve: cannot make a CURVE server: %s", zmq_strerror (zmq_errno ()));
        return -1;
    }
    return 0;
}

int loa_curve_client (void *sock, const char *server)
{
    if (!curve.on)
        return 0;
    /* A service's events source ("content") stands for its program. */
    const char *program = server;
    for (int i = 0; i < LOA_SVC_COUNT; i++) {
        const loa_endpoint *ep = loa_endpoints_get ((loa_service_id) i);
        if (server && strcmp (ep->source, server) == 0)
            program = ep->program;
    }
    char path[PATH_MAX], key[Z85_KEY + 1];
    if (!name_ok (program)) {
        loa_error (NULL, "curve: \"%s\" is not a key name", server ? server : "");
        return -1;
    }
    if (key_path (path, curve.dir, program, "pub") != 0 || read_key (path, key) != 0) {
        loa_error (NULL, "curve: no public key for %s: %s is missing or not a Z85 key", program,
                   path);
        return -1;
    }
    if (zmq_setsockopt (sock, ZMQ_CURVE_SERVERKEY, key, Z85_KEY) != 0 ||
        zmq_setsockopt (sock, ZMQ_CURVE_PUBLICKEY, curve.public_key, Z85_KEY) != 0 ||
        zmq_setsockopt (sock, ZMQ_CURVE_SECRETKEY, curve.secret_key, Z85_KEY) != 0) {
        loa_error (NULL, "curve: cannot make a CURVE client: %s", zmq_strerror (zmq_errno ()));
        return -1;
    }
    return 0;
}

int loa_curve_allowed (const char *z85, char *who, size_t cap)
{
    DIR *d = opendir (curve.dir);
    if (!d)
        return -1;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir (d))) {
        size_t n = strlen (e->d_name);
        if (n <= 4 || strcmp (e->d_name + n - 4, ".pub") != 0 || e->d_name[0] == '.')
            continue;
        char path[PATH_MAX], key[Z85_KEY + 1];
        if ((size_t) snprintf (path, sizeof path, "%s/%s", curve.dir, e->d_name) >= sizeof path ||
            read_key (path, key) != 0)
            continue;
        if (strcmp (key, z85) == 0) {
            found = 1;
            snprintf (who, cap, "%.*s", (int) (n - 4), e->d_name);
        }
    }
    closedir (d);
    return found;
}

/* ------------------------------------------------------------ ZAP */

struct loa_zap {
    void *sock;
    pthread_t thread;
    atomic_int stop;
};

/* One frame of a ZAP request into buf (NUL-terminated, cut at cap - 1).
 * Its size, or -1 when the request ended early. `more` tells whether
 * another frame follows. */
static int zap_frame (void *sock, char *buf, size_t cap, int *more)
{
    zmq_msg_t m;
    zmq_msg_init (&m);
    if (zmq_msg_recv (&m, sock, 0) < 0) {
        zmq_msg_close (&m);
        return -1;
    }
    size_t n = zmq_msg_size (&m);
    size_t k = n < cap - 1 ? n : cap - 1;
    memcpy (buf, zmq_msg_data (&m), k);
    buf[k] = '\0';
    *more = zmq_msg_more (&m);
    zmq_msg_close (&m);
    return (int) n;
}

static void zap_send (void *sock, const char *s, int more)
{
    zmq_send (sock, s, strlen (s), more ? ZMQ_SNDMORE : 0);
}

/* Answers one request (RFC 27): version, request id, domain, address,
 * routing id, mechanism, credentials; the reply: version, request id,
 * status code and text, user id, metadata. */
static void zap_answer (void *sock, int64_t *last_refusal_log, long *refused_quietly)
{
    char frames[7][64];
    int sizes[7], more = 1, n = 0;
    while (more && n < 7) {
        sizes[n] = zap_frame (sock, frames[n], sizeof frames[n], &more);
        if (sizes[n] < 0)
            return;
        n++;
    }
    while (more) { /* more credentials than CURVE's one: not ours */
        char junk[8];
        if (zap_frame (sock, junk, sizeof junk, &more) < 0)
            return;
        n = 0;
    }
    const char *code = "400", *text = "refused", *user = "";
    char who[NAME_MAX_LEN + 1] = "", z85[Z85_KEY + 1] = "";
    int refused_key = 0;
    if (n == 7 && strcmp (frames[0], "1.0") == 0 && strcmp (frames[2], ZAP_DOMAIN) == 0 &&
        strcmp (frames[5], "CURVE") == 0 && sizes[6] == 32 &&
        zmq_z85_encode (z85, (const uint8_t *) frames[6], 32)) {
        int found = loa_curve_allowed (z85, who, sizeof who);
        if (found == 1) {
            code = "200";
            text = "OK";
            user = who;
        } else {
            refused_key = 1;
            text = found < 0 ? "keys unreadable" : "key not allowed";
        }
    }
    /* Each refusal is worth a line, but a flood of them must not fill the
     * disk: one a second, with how many went unlogged meanwhile. */
    if (code[0] != '2') {
        int64_t now = loa_mono_ms ();
        if (now - *last_refusal_log >= 1000) {
            loa_warn (NULL, "curve: refused a connection from %s: %s%s%s (%ld more unlogged)",
                      n >= 4 ? frames[3] : "?", refused_key ? "public key " : "malformed request",
                      refused_key ? z85 : "", refused_key ? " is not in LOA_KEYS_DIR" : "",
                      *refused_quietly);
            *last_refusal_log = now;
            *refused_quietly = 0;
        } else
            (*refused_quietly)++;
    }
    zap_send (sock, "1.0", 1);
    zap_send (sock, n >= 2 ? frames[1] : "", 1);
    zap_send (sock, code, 1);
    zap_send (sock, text, 1);
    zap_send (sock, user, 1);
    zap_send (sock, "", 0);
}

static void *zap_main (void *arg)
{
    loa_zap *z = arg;
    int64_t last_refusal_log = 0;
    long refused_quietly = 0;
    zmq_pollitem_t item = {z->sock, 0, ZMQ_POLLIN, 0};
    while (!atomic_load (&z->stop))
        if (zmq_poll (&item, 1, 200) > 0 && (item.revents & ZMQ_POLLIN))
            zap_answer (z->sock, &last_refusal_log, &refused_quietly);
    return NULL;
}

int loa_zap_start (void *zmq_ctx, loa_zap **out)
{
    *out = NULL;
    if (!curve.on)
        return 0;
    loa_zap *z = calloc (1, sizeof *z);
    if (!z)
        return -1;
    atomic_init (&z->stop, 0);
    int linger = 0;
    z->sock = zmq_socket (zmq_ctx, ZMQ_REP);
    if (!z->sock || zmq_setsockopt (z->sock, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_bind (z->sock, ZAP_ENDPOINT) != 0) {
        loa_error (NULL, "curve: cannot start the ZAP handler: %s", zmq_strerror (zmq_errno ()));
        if (z->sock)
            zmq_close (z->sock);
        free (z);
        return -1;
    }
    if (pthread_create (&z->thread, NULL, zap_main, z) != 0) {
        loa_error (NULL, "curve: cannot start the ZAP handler's thread");
        zmq_close (z->sock);
        free (z);
        return -1;
    }
    *out = z;
    return 0;
}

void loa_zap_stop (loa_zap **pself)
{
    loa_zap *z = pself ? *pself : NULL;
    if (!z)
        return;
    atomic_store (&z->stop, 1);
    pthread_join (z->thread, NULL);
    zmq_close (z->sock);
    free (z);
    *pself = NULL;
}

/* ------------------------------------------------------------ keys */

static int write_key (const char *path, const char *key, mode_t mode)
{
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return -1;
    char line[Z85_KEY + 2];
    int n = snprintf (line, sizeof line, "%s\n", key);
    int ok = write (fd, line, (size_t) n) == n && fchmod (fd, mode) == 0 && fsync (fd) == 0;
    int saved = errno;
    close (fd);
    if (!ok) {
        unlink (path);
        errno = saved ? saved : EIO;
        return -1;
    }
    return 0;
}

int loa_curve_keygen (const char *dir, const char *name)
{
    if (!name_ok (name) || strlen (dir) > PATH_MAX - NAME_MAX_LEN - 8) {
        errno = EINVAL;
        return -1;
    }
    if (mkdir (dir, 0700) != 0 && errno != EEXIST)
        return -1;
    char key_file[PATH_MAX], pub_file[PATH_MAX], have[Z85_KEY + 1];
    if (key_path (key_file, dir, name, "key") != 0 || key_path (pub_file, dir, name, "pub") != 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int has_key = access (key_file, F_OK) == 0, has_pub = access (pub_file, F_OK) == 0;
    if (has_key && has_pub)
        return 0;
    if (has_key) { /* the public half lost: made again from the secret */
        char public_key[Z85_KEY + 1];
        if (read_key (key_file, have) != 0 || zmq_curve_public (public_key, have) != 0) {
            errno = EINVAL;
            return -1;
        }
        memset (have, 0, sizeof have);
        return write_key (pub_file, public_key, 0644) == 0 ? 1 : -1;
    }
    if (has_pub && unlink (pub_file) != 0) /* a public key without its secret: useless */
        return -1;
    char public_key[Z85_KEY + 1], secret_key[Z85_KEY + 1];
    if (zmq_curve_keypair (public_key, secret_key) != 0)
        return -1;
    int rc = write_key (key_file, secret_key, 0600);
    memset (secret_key, 0, sizeof secret_key);
    if (rc != 0)
        return -1;
    if (write_key (pub_file, public_key, 0644) != 0) {
        int saved = errno;
        unlink (key_file);
        errno = saved;
        return -1;
    }
    return 1;
}
