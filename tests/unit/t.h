/* relaymail: a tiny unit-test harness. ISC licence, see LICENSE.
 * Each test is a function; TEST_MAIN runs them and prints one line each,
 * "ok FILE: name" or "FAIL FILE: name: file:line: what", which tests/run.sh
 * counts. The process exits 1 if any test failed. */
#ifndef T_H
#define T_H

#include <stdio.h>
#include <string.h>

static int t_failed_;		/* the current test has failed */
static const char *t_file_ = "";

#define T_FAIL_(...) do { \
	if (!t_failed_) printf("FAIL %s: %s: %s:%d: ", t_file_, t_name_, \
	    __FILE__, __LINE__); \
	else printf("    also %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); t_failed_ = 1; } while (0)

#define T_OK(c) do { if (!(c)) T_FAIL_("%s", #c); } while (0)
#define T_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) T_FAIL_("%s == %lld, expected %lld", #a, a_, b_); \
	} while (0)
#define T_STREQ(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) \
		T_FAIL_("%s == \"%s\", expected \"%s\"", #a, \
		    a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)
#define T_MEMEQ(a, alen, b, blen) do { size_t al_ = (alen), bl_ = (blen); \
	if (al_ != bl_ || memcmp((a), (b), al_) != 0) \
		T_FAIL_("%s (%zu bytes) differs from %s (%zu bytes)", #a, \
		    al_, #b, bl_); } while (0)

/* A test: static void name(const char *t_name_) { ... } */
#define TEST(name) static void name(const char *t_name_)
#define RUN(name) do { t_failed_ = 0; name(#name); \
	if (!t_failed_) printf("ok %s: %s\n", t_file_, #name); \
	else nfail++; } while (0)

#define TEST_MAIN(file, body) int main(void) { int nfail = 0; \
	t_file_ = (file); setvbuf(stdout, NULL, _IOLBF, 0); body; \
	return nfail ? 1 : 0; }

#endif
