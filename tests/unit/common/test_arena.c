/* arena: a page of articles unpacked into an arena reads back exactly as
 * it was packed; every allocation is aligned for any type; blocks grow past
 * the first one's hint; a reply that cannot be read leaves nothing behind
 * once released (LeakSanitizer watches); an arena is reusable. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.pb-c.h"
#include "loa_arena.h"
#include "suites.h"

enum { N_ARTICLES = 20 };

/* A packed page of N_ARTICLES articles with Vietnamese titles; the caller
 * frees it. */
static uint8_t *packed_page (size_t *len)
{
    Loa__Content__Article a[N_ARTICLES];
    Loa__Content__Article *items[N_ARTICLES];
    char slugs[N_ARTICLES][32], titles[N_ARTICLES][96];
    char summary[] = "Sở Nội vụ công bố chỉ số hài lòng của người dân (SIPAS).";
    char published[] = "published", created[] = "2026-12-07T02:00:00Z";
    int64_t topics[3] = {1, 5, 9};
    for (int i = 0; i < N_ARTICLES; i++) {
        loa__content__article__init (&a[i]);
        a[i].id = 1000 + i;
        snprintf (slugs[i], sizeof slugs[i], "bai-viet-%d", i);
        snprintf (titles[i], sizeof titles[i], "Cải cách hành chính: kết quả tháng %d", i + 1);
        a[i].slug = slugs[i];
        a[i].title = titles[i];
        a[i].summary = summary;
        a[i].n_topic_ids = 3;
        a[i].topic_ids = topics;
        a[i].status = published;
        a[i].created_at = created;
        items[i] = &a[i];
    }
    Loa__Content__ArticleList list = LOA__CONTENT__ARTICLE_LIST__INIT;
    list.n_items = N_ARTICLES;
    list.items = items;
    list.total = 10000;
    *len = loa__content__article_list__get_packed_size (&list);
    uint8_t *buf = malloc (*len);
    ck_assert_ptr_nonnull (buf);
    loa__content__article_list__pack (&list, buf);
    return buf;
}

START_TEST (a_page_unpacks_into_the_arena)
{
    size_t len;
    uint8_t *buf = packed_page (&len);
    loa_arena arena = {0};
    Loa__Content__ArticleList *list =
        loa__content__article_list__unpack (loa_arena_allocator (&arena, 2 * len + 256), len, buf);
    ck_assert_ptr_nonnull (list);
    ck_assert_uint_eq (list->n_items, N_ARTICLES);
    ck_assert_int_eq (list->total, 10000);
    ck_assert_str_eq (list->items[7]->title, "Cải cách hành chính: kết quả tháng 8");
    ck_assert_uint_eq (list->items[19]->n_topic_ids, 3);
    ck_assert_int_eq (list->items[19]->topic_ids[2], 9);
    /* It packs back to the very bytes it came from. */
    uint8_t *again = malloc (len);
    ck_assert_uint_eq (loa__content__article_list__pack (list, again), len);
    ck_assert_mem_eq (again, buf, len);
    free (again);
    /* The whole message in one block: the hint held it. */
    ck_assert_ptr_nonnull (arena.blocks);
    loa_arena_release (&arena);
    ck_assert_ptr_null (arena.blocks);
    free (buf);
}
END_TEST

START_TEST (allocations_are_aligned_and_blocks_grow)
{
    loa_arena arena = {0};
    ProtobufCAllocator *al = loa_arena_allocator (&arena, 64);
    char *prev = NULL;
    for (size_t size = 1; size < 5000; size = size * 3 + 1) {
        char *p = al->alloc (al->allocator_data, size);
        ck_assert_ptr_nonnull (p);
        ck_assert_uint_eq ((uintptr_t) p % alignof (max_align_t), 0);
        memset (p, 0xA5, size); /* the whole of it is ours (ASan checks) */
        ck_assert (p != prev);
        prev = p;
    }
    /* Far past the 64-byte hint: several blocks, all released together. */
    size_t blocks = 0;
    for (loa_arena_block *b = arena.blocks; b; b = b->next)
        blocks++;
    ck_assert_uint_gt (blocks, 1);
    al->free (al->allocator_data, prev); /* does nothing */
    ck_assert_ptr_null (al->alloc (al->allocator_data, SIZE_MAX - 8)); /* cannot be had */
    loa_arena_release (&arena);
    ck_assert_ptr_null (arena.blocks);
}
END_TEST

START_TEST (an_unreadable_reply_leaves_nothing)
{
    size_t len;
    uint8_t *buf = packed_page (&len);
    loa_arena arena = {0};
    /* Cut in the middle of an article: unpack fails after allocating. */
    ck_assert_ptr_null (
        loa__content__article_list__unpack (loa_arena_allocator (&arena, 0), len / 2 + 3, buf));
    loa_arena_release (&arena); /* LeakSanitizer: nothing left */
    /* The same arena serves again. */
    Loa__Content__ArticleList *list =
        loa__content__article_list__unpack (loa_arena_allocator (&arena, 0), len, buf);
    ck_assert_ptr_nonnull (list);
    ck_assert_str_eq (list->items[0]->slug, "bai-viet-0");
    loa_arena_release (&arena);
    free (buf);
}
END_TEST

Suite *arena_suite (void)
{
    Suite *s = suite_create ("arena");
    TCase *tc = tcase_create ("arena");
    tcase_add_test (tc, a_page_unpacks_into_the_arena);
    tcase_add_test (tc, allocations_are_aligned_and_blocks_grow);
    tcase_add_test (tc, an_unreadable_reply_leaves_nothing);
    suite_add_tcase (s, tc);
    return s;
}
