/* relaymail: bytes for the crypto unit tests. ISC licence, see LICENSE.
 * Hex test vectors into bytes, and a reproducible stream of "random"
 * bytes (splitmix64) from a seed each test file defines as T_RNG_SEED
 * before including this, so that its cases are the same on every run. */
#ifndef T_BYTES_H
#define T_BYTES_H

#include <stdint.h>
#include <stdio.h>

static void
unhex(unsigned char *out, size_t len, const char *hex)
{
	unsigned v;
	size_t i;

	for (i = 0; i < len; i++) {
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
}

static uint64_t rng_state = T_RNG_SEED;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void
rng_bytes(unsigned char *p, size_t len)
{
	while (len-- > 0)
		*p++ = (unsigned char)rng();
}

#endif
