/*
 * The kernel's random numbers: a ChaCha20-based generator seeded from
 * RDSEED/RDRAND when the CPU has them and from timer jitter otherwise.
 * Used for AT_RANDOM, getrandom(2), /dev/random and /dev/urandom.
 */
#ifndef FERRITE_RANDOM_H
#define FERRITE_RANDOM_H

#include <ferrite/compiler.h>

void random_init(void);
/* Fill @buf with @len random bytes. Any context except NMI; never blocks. */
void random_get_bytes(void *buf, size_t len);
uint64_t random_u64(void);

/*
 * Mix @len bytes into the generator's state (writes to /dev/random, boot
 * data); they add unpredictability but are never counted on. Any context.
 */
void random_add_data(const void *buf, size_t len);
/* Gather fresh entropy from the CPU and the clocks now (RNDRESEEDCRNG). */
void random_reseed(void);

/*
 * A key stream for one large request (getrandom, /dev/urandom reads): a
 * key taken from the generator once, then plain ChaCha20 blocks, so the
 * generator's lock is held only at the start. Not shared between tasks.
 */
struct random_stream {
	uint8_t key[32];
	uint32_t counter;
};
void random_stream_begin(struct random_stream *st);
void random_stream_fill(struct random_stream *st, void *buf, size_t len);
/* Wipe the stream's key. */
void random_stream_end(struct random_stream *st);

#endif
