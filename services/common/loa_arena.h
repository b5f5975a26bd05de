/* loa_arena: a bump allocator for a protobuf-c message unpacked whole and
 * freed whole.
 *
 * protobuf-c's unpack allocates once for the message and once for every
 * string, bytes field, sub-message and repeated array: a page of twenty
 * articles is some three hundred malloc calls, and as many free calls when
 * it is released, for memory that lives exactly as long as the message.
 * Given an arena's allocator, unpack takes it all from one or two blocks;
 * loa_arena_release gives every block back at once. The allocator's free
 * does nothing: never pass an arena-unpacked message to
 * protobuf_c_message_free_unpacked with any other allocator.
 *
 * The owner keeps a `loa_arena` (zeroed: empty), passes
 * loa_arena_allocator (&arena) to the unpack, and calls loa_arena_release
 * when done with the message. Not thread-safe: one message, one owner. */
#ifndef LOA_ARENA_H
#define LOA_ARENA_H

#include <protobuf-c/protobuf-c.h>
#include <stdalign.h>
#include <stddef.h>

typedef struct loa_arena_block loa_arena_block;
struct loa_arena_block {
    loa_arena_block *next; /* the one before */
    size_t used, cap; /* bytes of data */
    alignas (max_align_t) unsigned char data[];
};

typedef struct {
    ProtobufCAllocator pb;
    loa_arena_block *blocks; /* the newest first */
    size_t hint; /* the first block's size; 0: a default */
} loa_arena;

/* The allocator to unpack with. `hint`: the bytes the first block should
 * hold (twice the packed length holds a typical message: its strings plus
 * its structures); 0 for a default. The arena may be copied before its
 * first use, not after. */
ProtobufCAllocator *loa_arena_allocator (loa_arena *a, size_t hint);

/* Frees every block (what was unpacked with it is gone); the arena is
 * empty again and may be reused. */
void loa_arena_release (loa_arena *a);

#endif
