/*
 * ChaCha20 (RFC 8439 §2.1-2.4): 20 rounds over a 4x4 matrix of 32-bit
 * words holding the constants, the key, the block counter and the nonce,
 * the input added back at the end, the words serialized little-endian.
 */
#include <ferrite/chacha20.h>
#include <ferrite/string.h>

#define ROTL32(v, n)	(((v) << (n)) | ((v) >> (32 - (n))))

/* §2.1: the quarter round. */
#define QUARTER_ROUND(x, a, b, c, d)					\
	do {								\
		x[a] += x[b]; x[d] ^= x[a]; x[d] = ROTL32(x[d], 16);	\
		x[c] += x[d]; x[b] ^= x[c]; x[b] = ROTL32(x[b], 12);	\
		x[a] += x[b]; x[d] ^= x[a]; x[d] = ROTL32(x[d], 8);	\
		x[c] += x[d]; x[b] ^= x[c]; x[b] = ROTL32(x[b], 7);	\
	} while (0)

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Through a volatile pointer the call cannot be proved dead and removed. */
static void *(*const volatile wipe_memset)(void *, int, size_t) = memset;

void chacha20_wipe(void *p, size_t len)
{
	wipe_memset(p, 0, len);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t s[16], x[16];

	/* §2.3: "expand 32-byte k", key, counter, nonce. */
	s[0] = 0x61707865;
	s[1] = 0x3320646e;
	s[2] = 0x79622d32;
	s[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		s[4 + i] = get_le32(key + 4 * i);
	s[12] = counter;
	for (int i = 0; i < 3; i++)
		s[13 + i] = get_le32(nonce + 4 * i);
	memcpy(x, s, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QUARTER_ROUND(x, 0, 4, 8, 12);
		QUARTER_ROUND(x, 1, 5, 9, 13);
		QUARTER_ROUND(x, 2, 6, 10, 14);
		QUARTER_ROUND(x, 3, 7, 11, 15);
		QUARTER_ROUND(x, 0, 5, 10, 15);
		QUARTER_ROUND(x, 1, 6, 11, 12);
		QUARTER_ROUND(x, 2, 7, 8, 13);
		QUARTER_ROUND(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++)
		put_le32(out + 4 * i, x[i] + s[i]);
	chacha20_wipe(s, sizeof(s));
	chacha20_wipe(x, sizeof(x));
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t *buf, size_t len)
{
	uint8_t block[CHACHA20_BLOCK_SIZE];

	while (len > 0) {
		size_t n = MIN(len, sizeof(block));

		chacha20_block(key, counter++, nonce, block);
		for (size_t i = 0; i < n; i++)
			buf[i] ^= block[i];
		buf += n;
		len -= n;
	}
	chacha20_wipe(block, sizeof(block));
}
