/*
 * The kernel's random number generator: a ChaCha20 key (the "base key")
 * under a spinlock, used with fast key erasure (Bernstein, "Fast-key-erasure
 * random-number generators", 2017): every request runs one ChaCha20 block
 * under the lock whose first half replaces the base key and whose second
 * half becomes the request's own key, which then makes the output outside
 * the lock. A key once used is overwritten, so what was handed out before
 * cannot be recomputed from a later state.
 *
 * Entropy comes from RDSEED and RDRAND when the CPU has them, from the
 * TSC's jitter around short bursts of work, and from the clocks; it is
 * absorbed by XORing 32-byte pieces into the key and running a ChaCha20
 * block over it. The key is reseeded that way at boot and every minute.
 * The generator is considered ready from random_init on; it never blocks.
 */
#include <ferrite/random.h>
#include <ferrite/chacha20.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/spinlock.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/time.h>
#include <ferrite/uaccess.h>
#include <ferrite/wait.h>
#include <arch/cpu.h>
#include <arch/cpufeature.h>
#include <linux/random.h>

#define RESEED_INTERVAL_NS	(60 * NSEC_PER_SEC)
#define SEED_WORDS		16	/* 128 bytes gathered per (re)seed */
#define GETRANDOM_MAX		0x7fffffffUL	/* Linux clamps requests to INT_MAX */

/*
 * Lock legend: [C] crng.lock, taken irqsave (random_get_bytes runs in any
 * context). A leaf lock.
 */
static struct {
	struct spinlock lock;
	uint8_t key[CHACHA20_KEY_SIZE];	/* [C] */
	uint64_t last_reseed;		/* [C] writes; [a] racy reads */
	bool seeded;			/* [C] writes; [a] racy reads */
} crng = { .lock = SPINLOCK_INIT("crng") };

static const uint8_t nonce_extract[CHACHA20_NONCE_SIZE] = "extract-key";
static const uint8_t nonce_mix[CHACHA20_NONCE_SIZE] = "mix-entropy";

/* Absorb @len bytes into the base key. Needs crng.lock. */
static void crng_mix_locked(const uint8_t *data, size_t len)
{
	uint8_t block[CHACHA20_BLOCK_SIZE];

	while (len > 0) {
		size_t n = MIN(len, (size_t)CHACHA20_KEY_SIZE);

		for (size_t i = 0; i < n; i++)
			crng.key[i] ^= data[i];
		chacha20_block(crng.key, 0, nonce_mix, block);
		memcpy(crng.key, block, CHACHA20_KEY_SIZE);
		data += n;
		len -= n;
	}
	chacha20_wipe(block, sizeof(block));
}

/* Take a fresh key for one request and replace the base key. Needs crng.lock. */
static void crng_extract_locked(uint8_t out[CHACHA20_KEY_SIZE])
{
	uint8_t block[CHACHA20_BLOCK_SIZE];

	chacha20_block(crng.key, 0, nonce_extract, block);
	memcpy(crng.key, block, CHACHA20_KEY_SIZE);
	memcpy(out, block + CHACHA20_KEY_SIZE, CHACHA20_KEY_SIZE);
	chacha20_wipe(block, sizeof(block));
}

/* One value from RDSEED or RDRAND (@seed picks which), retried a few times; 0 if none came. */
static uint64_t hw_random(bool seed)
{
	uint64_t v;

	for (int tries = 0; tries < 10; tries++) {
		if (seed ? arch_rdseed64(&v) : arch_rdrand64(&v))
			return v;
		arch_cpu_relax();
	}
	return 0;
}

/* TSC differences around short bursts of work, folded into one word. */
static uint64_t tsc_jitter(void)
{
	uint64_t acc = arch_rdtsc(), t0, t1;
	volatile uint64_t sink = 0;

	for (int i = 0; i < 64; i++) {
		t0 = arch_rdtsc();
		for (int k = 0; k < 16 + (int)(acc & 15); k++)
			sink = sink * 6364136223846793005ULL + t0;
		t1 = arch_rdtsc();
		acc = ((acc << 7) | (acc >> 57)) ^ (t1 - t0) ^ (t1 << 32);
	}
	return acc ^ sink;
}

/* Gather seed material; a description of the sources into *@what. */
static void gather_seed(uint64_t seed[SEED_WORDS], const char **what)
{
	bool has_seed = cpu_has(X86_RDSEED), has_rand = cpu_has(X86_RDRAND);
	int64_t sec;
	long nsec;

	time_realtime(&sec, &nsec);
	seed[0] = arch_rdtsc();
	seed[1] = time_boot_ns();
	seed[2] = (uint64_t)sec ^ ((uint64_t)nsec << 32);
	for (int i = 3; i < SEED_WORDS; i++) {
		uint64_t v = tsc_jitter();

		if (has_seed && i < 8)
			v ^= hw_random(true);
		if (has_rand)
			v ^= hw_random(false);
		seed[i] = v;
	}
	*what = has_seed ? "RDSEED, RDRAND and TSC jitter" :
		has_rand ? "RDRAND and TSC jitter" : "TSC jitter only";
}

/* Gather entropy and mix it in (outside the lock, then under it). */
static void crng_reseed(bool first)
{
	uint64_t seed[SEED_WORDS];
	const char *what;
	unsigned long flags;

	gather_seed(seed, &what);
	flags = spin_lock_irqsave(&crng.lock);
	crng_mix_locked((const uint8_t *)seed, sizeof(seed));
	crng.last_reseed = time_boot_ns();
	crng.seeded = true;
	spin_unlock_irqrestore(&crng.lock, flags);
	chacha20_wipe(seed, sizeof(seed));
	if (first)
		pr_info("random: ChaCha20 generator seeded from %s\n", what);
}

void random_init(void)
{
	crng_reseed(true);
}

void random_reseed(void)
{
	crng_reseed(false);
}

void random_add_data(const void *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&crng.lock);

	crng_mix_locked(buf, len);
	spin_unlock_irqrestore(&crng.lock, flags);
}

void random_stream_begin(struct random_stream *st)
{
	unsigned long flags;

	/* Racy reads: a reseed twice or a minute late does no harm. */
	if (unlikely(!READ_ONCE(crng.seeded)) ||
	    time_boot_ns() - READ_ONCE(crng.last_reseed) > RESEED_INTERVAL_NS)
		crng_reseed(false);
	flags = spin_lock_irqsave(&crng.lock);
	crng_extract_locked(st->key);
	spin_unlock_irqrestore(&crng.lock, flags);
	st->counter = 0;
}

void random_stream_fill(struct random_stream *st, void *buf, size_t len)
{
	uint8_t block[CHACHA20_BLOCK_SIZE];
	uint8_t *p = buf;

	while (len > 0) {
		size_t n = MIN(len, sizeof(block));

		if (st->counter == UINT32_MAX) {
			random_stream_end(st);	/* never reuse a counter: take a new key */
			random_stream_begin(st);
		}
		chacha20_block(st->key, st->counter++, nonce_extract, block);
		memcpy(p, block, n);
		p += n;
		len -= n;
	}
	chacha20_wipe(block, sizeof(block));
}

void random_stream_end(struct random_stream *st)
{
	chacha20_wipe(st, sizeof(*st));
}

void random_get_bytes(void *buf, size_t len)
{
	struct random_stream st;

	random_stream_begin(&st);
	random_stream_fill(&st, buf, len);
	random_stream_end(&st);
}

uint64_t random_u64(void)
{
	uint64_t v;

	random_get_bytes(&v, sizeof(v));
	return v;
}

/*
 * getrandom(2). The generator is seeded before user space exists, so no
 * flag ever makes it block; GRND_RANDOM and GRND_INSECURE make no
 * difference (as on Linux since 5.6 / 5.18). Returns the bytes stored: a
 * short count when a signal arrives during a large request or a fault
 * happens after some bytes, -EFAULT if none could be stored.
 */
SYSCALL_DEFINE(getrandom, __NR_getrandom, char *ubuf, size_t len, unsigned int flags)
{
	uint8_t chunk[256];
	struct random_stream st;
	size_t done = 0;

	if (flags & ~(unsigned int)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	len = MIN(len, GETRANDOM_MAX);
	random_stream_begin(&st);
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));

		if (done && done % 4096 == 0 && signal_pending_current())
			break;
		random_stream_fill(&st, chunk, n);
		if (copy_to_user(ubuf + done, chunk, n))
			break;
		done += n;
	}
	random_stream_end(&st);
	chacha20_wipe(chunk, sizeof(chunk));
	if (done == 0 && len > 0)
		return -EFAULT;
	return (long)done;
}
