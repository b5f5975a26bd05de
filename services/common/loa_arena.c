#include "loa_arena.h"

#include <stdint.h>
#include <stdlib.h>

#define DEFAULT_BLOCK 4096
#define ALIGN (alignof (max_align_t))

static void *arena_alloc (void *data, size_t size)
{
    loa_arena *a = data;
    if (size > SIZE_MAX - 2 * ALIGN - sizeof (loa_arena_block))
        return NULL;
    size = (size + ALIGN - 1) & ~(ALIGN - 1);
    loa_arena_block *b = a->blocks;
    if (!b || b->cap - b->used < size) {
        /* Each new block twice the last, and at least what is asked. */
        size_t cap = b ? 2 * b->cap : (a->hint ? a->hint : DEFAULT_BLOCK);
        cap = (cap + ALIGN - 1) & ~(ALIGN - 1);
        if (cap < size)
            cap = size;
        b = malloc (sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = a->blocks;
        a->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

static void arena_free (void *data, void *pointer)
{
    (void) data;
    (void) pointer; /* all of it at loa_arena_release */
}

ProtobufCAllocator *loa_arena_allocator (loa_arena *a, size_t hint)
{
    a->pb = (ProtobufCAllocator){.alloc = arena_alloc, .free = arena_free, .allocator_data = a};
    if (!a->blocks)
        a->hint = hint;
    return &a->pb;
}

void loa_arena_release (loa_arena *a)
{
    for (loa_arena_block *b = a->blocks, *next; b; b = next) {
        next = b->next;
        free (b);
    }
    a->blocks = NULL;
}
