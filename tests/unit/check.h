/*
 * check.h: the smallest unit-test harness that reports like automake wants.
 * CHECK(cond) records a failure with file:line and goes on; a test program
 * returns check_done(), which prints the count and yields 0 or 1.
 */
#ifndef HV_CHECK_H
#define HV_CHECK_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond) do {						\
	check_count++;							\
	if (!(cond)) {							\
		check_failures++;					\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
	}								\
} while (0)

#define CHECK_EQ_U(a, b) do {						\
	uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);	\
	check_count++;							\
	if (check_a_ != check_b_) {					\
		check_failures++;					\
		fprintf(stderr, "%s:%d: %s == %" PRIu64 ", expected %s == %" PRIu64 "\n", \
		    __FILE__, __LINE__, #a, check_a_, #b, check_b_);	\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *check_a_ = (a), *check_b_ = (b);			\
	check_count++;							\
	if (check_a_ == NULL || check_b_ == NULL ||			\
	    strcmp(check_a_, check_b_) != 0) {				\
		check_failures++;					\
		fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", \
		    __FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)", \
		    check_b_ ? check_b_ : "(null)");			\
	}								\
} while (0)

static inline int
check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures != 0;
}

/* Little-endian stores, for the target bytes the tests build by hand. */
static inline void
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif
