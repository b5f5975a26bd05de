#include "loa_rpc_decl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common.pb-c.h"

int loa_rpc_decl_names_match (const char *name, const char *declared)
{
    if (!name || !declared)
        return 0;
    /* Compared in place, '.' read as '_': no buffer, so no length limit. */
    for (; *name && *declared; name++, declared++)
        if ((*name == '.' ? '_' : *name) != *declared)
            return 0;
    return *name == '\0' && *declared == '\0';
}

/* A linear scan: a service declares a few dozen methods, and lookups happen
 * at start-up and in tests, never per request. */
const ProtobufCMethodDescriptor *loa_rpc_decl_find (const ProtobufCServiceDescriptor *desc,
                                                    const char *name)
{
    if (!desc || !name)
        return NULL;
    for (unsigned i = 0; i < desc->n_methods; i++)
        if (loa_rpc_decl_names_match (name, desc->methods[i].name))
            return &desc->methods[i];
    return NULL;
}

/* loa.Empty is how a .proto says "no body"; a method table says it with NULL. */
static const ProtobufCMessageDescriptor *no_empty (const ProtobufCMessageDescriptor *d)
{
    return d == &loa__empty__descriptor ? NULL : d;
}

const ProtobufCMessageDescriptor *loa_rpc_decl_input (const ProtobufCMethodDescriptor *method)
{
    return method ? no_empty (method->input) : NULL;
}

const ProtobufCMessageDescriptor *loa_rpc_decl_output (const ProtobufCMethodDescriptor *method)
{
    return method ? no_empty (method->output) : NULL;
}

static const char *type_name (const ProtobufCMessageDescriptor *d)
{
    return d ? d->name : "none (loa.Empty)";
}

static int fail (char *err, size_t errcap, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
static int fail (char *err, size_t errcap, const char *fmt, ...)
{
    if (err && errcap) {
        va_list ap;
        va_start (ap, fmt);
        vsnprintf (err, errcap, fmt, ap);
        va_end (ap);
    }
    return -1;
}

/* 1 when the declared method `m` is served: by a row of the table or by the
 * framework (extra_names). */
static int implemented (const ProtobufCMethodDescriptor *m, const loa_rpc_method *methods,
                        const char *const *extra_names)
{
    for (const loa_rpc_method *row = methods; row && row->method; row++)
        if (loa_rpc_decl_names_match (row->method, m->name))
            return 1;
    for (size_t i = 0; extra_names && extra_names[i]; i++)
        if (loa_rpc_decl_names_match (extra_names[i], m->name))
            return 1;
    return 0;
}

int loa_rpc_decl_check_methods (const ProtobufCServiceDescriptor *desc,
                                const loa_rpc_method *methods, const char *const *extra_names,
                                char *err, size_t errcap)
{
    if (!desc)
        return fail (err, errcap, "no declaration of the service's methods");
    for (const loa_rpc_method *row = methods; row && row->method; row++) {
        const ProtobufCMethodDescriptor *m = loa_rpc_decl_find (desc, row->method);
        if (!m)
            return fail (err, errcap, "method \"%s\" is not declared in service %s", row->method,
                         desc->name);
        const ProtobufCMessageDescriptor *in = no_empty (row->input);
        if (in != loa_rpc_decl_input (m))
            return fail (err, errcap,
                         "method \"%s\" takes %s in its table but %s in service %s (rpc %s)",
                         row->method, type_name (in), type_name (loa_rpc_decl_input (m)),
                         desc->name, m->name);
        for (const loa_rpc_method *other = methods; other < row; other++)
            if (loa_rpc_decl_find (desc, other->method) == m)
                return fail (err, errcap,
                             "methods \"%s\" and \"%s\" share the declaration rpc %s of service %s",
                             other->method, row->method, m->name, desc->name);
    }
    for (unsigned i = 0; i < desc->n_methods; i++)
        if (!implemented (&desc->methods[i], methods, extra_names))
            return fail (err, errcap, "method rpc %s declared in service %s has no handler",
                         desc->methods[i].name, desc->name);
    return 0;
}
