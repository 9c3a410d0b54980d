// SPDX-License-Identifier: MIT
/*
 * The intrusive list (kernel/include/hako/list.h), on which the run queue,
 * the wait queues and the timer list are built: each operation by hand, a
 * randomised comparison against an array model, and a round-robin run queue
 * as the scheduler uses it.
 */
#include <stdlib.h>

#include <hako/list.h>

#include "unit.h"

struct item {
	int id;
	struct list_node node;
	int tail;
};

/* The list's links are consistent and it holds exactly want[0..n). */
static void check_list(struct list_node *head, struct item **want, int n)
{
	struct list_node *pos, *prev = head;
	int i = 0;

	ck_assert_ptr_eq(head->next->prev, head);
	ck_assert_ptr_eq(head->prev->next, head);
	list_for_each (pos, head) {
		ck_assert_int_lt(i, n);
		ck_assert_ptr_eq(pos->prev, prev);
		ck_assert_ptr_eq(pos->next->prev, pos);
		ck_assert_ptr_eq(list_entry(pos, struct item, node), want[i]);
		prev = pos;
		i++;
	}
	ck_assert_int_eq(i, n);
	ck_assert_ptr_eq(head->prev, prev);
	ck_assert(list_empty(head) == (n == 0));
}

START_TEST(init_and_empty)
{
	struct list_node head = {NULL, NULL};
	struct list_node st = LIST_HEAD_INIT(st);

	list_init(&head);
	ck_assert_ptr_eq(head.next, &head);
	ck_assert_ptr_eq(head.prev, &head);
	ck_assert(list_empty(&head));
	ck_assert(list_empty(&st));
	ck_assert_ptr_null(list_pop_front(&head));
	ck_assert(list_empty(&head));
}
END_TEST

START_TEST(push_back_keeps_order)
{
	struct list_node head;
	struct item it[5], *want[5];

	list_init(&head);
	for (int i = 0; i < 5; i++) {
		it[i].id = i;
		list_push_back(&head, &it[i].node);
		want[i] = &it[i];
		check_list(&head, want, i + 1);
	}
}
END_TEST

START_TEST(insert_before)
{
	struct list_node head;
	struct item a = {.id = 1}, b = {.id = 2}, c = {.id = 3}, d = {.id = 4};

	list_init(&head);
	list_insert_before(&head, &a.node); /* before the head: the tail */
	list_insert_before(&head, &c.node);
	list_insert_before(&c.node, &b.node);
	list_insert_before(&a.node, &d.node); /* the new first */
	check_list(&head, (struct item *[]){&d, &a, &b, &c}, 4);
}
END_TEST

START_TEST(remove_and_remove_again)
{
	struct list_node head;
	struct item a = {.id = 1}, b = {.id = 2}, c = {.id = 3};

	list_init(&head);
	list_push_back(&head, &a.node);
	list_push_back(&head, &b.node);
	list_push_back(&head, &c.node);
	list_remove(&b.node);
	check_list(&head, (struct item *[]){&a, &c}, 2);
	/* A removed node is an empty list: removing it again is harmless. */
	ck_assert(list_empty(&b.node));
	list_remove(&b.node);
	check_list(&head, (struct item *[]){&a, &c}, 2);
	list_remove(&a.node);
	list_remove(&c.node);
	check_list(&head, NULL, 0);
	list_remove(&c.node);
	check_list(&head, NULL, 0);
}
END_TEST

START_TEST(pop_front_fifo)
{
	struct list_node head;
	struct item it[4];

	list_init(&head);
	for (int i = 0; i < 4; i++) {
		it[i].id = i;
		list_push_back(&head, &it[i].node);
	}
	for (int i = 0; i < 4; i++) {
		struct list_node *n = list_pop_front(&head);

		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(list_entry(n, struct item, node)->id, i);
		ck_assert(list_empty(n)); /* popped nodes are unlinked */
	}
	ck_assert_ptr_null(list_pop_front(&head));
	ck_assert(list_empty(&head));
}
END_TEST

START_TEST(container_of_member_offset)
{
	struct item x = {.id = 42, .tail = 7};

	ck_assert_ptr_eq(container_of(&x.node, struct item, node), &x);
	ck_assert_ptr_eq(list_entry(&x.node, struct item, node), &x);
	ck_assert_int_eq(list_entry(&x.node, struct item, node)->tail, 7);
}
END_TEST

/* Random operations against an array model, checking every link after each. */
START_TEST(random_against_model)
{
	enum { N = 64, OPS = 20000 };
	struct rng r;
	struct item it[N];
	struct item *model[N];
	bool in[N] = {false};
	int n = 0;
	struct list_node head;

	rng_init(&r, "list.random_against_model");
	list_init(&head);
	for (int i = 0; i < N; i++) {
		it[i].id = i;
		list_init(&it[i].node);
	}
	for (int op = 0; op < OPS; op++) {
		int k = (int)rng_below(&r, N);

		switch (rng_below(&r, 4)) {
		case 0: /* push_back */
			if (in[k])
				break;
			list_push_back(&head, &it[k].node);
			model[n++] = &it[k];
			in[k] = true;
			break;
		case 1: /* insert before a random member (or the head) */
			if (in[k])
				break;
			{
				int at = (int)rng_below(&r, (uint64_t)n + 1);

				list_insert_before(at == n ? &head : &model[at]->node, &it[k].node);
				for (int j = n; j > at; j--)
					model[j] = model[j - 1];
				model[at] = &it[k];
				n++;
				in[k] = true;
			}
			break;
		case 2: /* remove (twice, sometimes: harmless) */
			list_remove(&it[k].node);
			if (rng_chance(&r, 20))
				list_remove(&it[k].node);
			if (in[k]) {
				int j = 0;

				while (model[j] != &it[k])
					j++;
				for (; j < n - 1; j++)
					model[j] = model[j + 1];
				n--;
				in[k] = false;
			}
			break;
		case 3: { /* pop_front */
			struct list_node *got = list_pop_front(&head);

			if (!n) {
				ck_assert_ptr_null(got);
				break;
			}
			ck_assert_ptr_eq(got, &model[0]->node);
			in[model[0]->id] = false;
			for (int j = 0; j < n - 1; j++)
				model[j] = model[j + 1];
			n--;
			break;
		}
		}
		check_list(&head, model, n);
	}
}
END_TEST

/* The scheduler's run queue: pop the front, run, push back: round robin. */
START_TEST(round_robin_run_queue)
{
	enum { N = 7, ROUNDS = 50 };
	struct list_node runq;
	struct item t[N];
	int ran[N] = {0}, last = -1;

	list_init(&runq);
	for (int i = 0; i < N; i++) {
		t[i].id = i;
		list_push_back(&runq, &t[i].node);
	}
	for (int step = 0; step < N * ROUNDS; step++) {
		struct list_node *n = list_pop_front(&runq);
		struct item *it = list_entry(n, struct item, node);

		ck_assert_int_eq(it->id, (last + 1) % N);
		last = it->id;
		ran[it->id]++;
		list_push_back(&runq, n);
	}
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(ran[i], ROUNDS);
	/* A thread that blocks leaves the queue; the others keep their turn. */
	list_remove(&t[3].node);
	for (int step = 0; step < 12; step++) {
		struct list_node *n = list_pop_front(&runq);

		ck_assert_int_ne(list_entry(n, struct item, node)->id, 3);
		list_push_back(&runq, n);
	}
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("list");
	TCase *tc = unit_tcase("list");

	tcase_add_test(tc, init_and_empty);
	tcase_add_test(tc, push_back_keeps_order);
	tcase_add_test(tc, insert_before);
	tcase_add_test(tc, remove_and_remove_again);
	tcase_add_test(tc, pop_front_fifo);
	tcase_add_test(tc, container_of_member_offset);
	tcase_add_test(tc, random_against_model);
	tcase_add_test(tc, round_robin_run_queue);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
