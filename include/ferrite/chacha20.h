/*
 * The ChaCha20 block function and key stream of RFC 8439 §2.3-2.4: a
 * 256-bit key, a 32-bit block counter and a 96-bit nonce give 64-byte
 * blocks. Pure code with no state; the kernel's random numbers are built
 * on it (random.h).
 */
#ifndef FERRITE_CHACHA20_H
#define FERRITE_CHACHA20_H

#include <ferrite/compiler.h>

#define CHACHA20_KEY_SIZE	32
#define CHACHA20_NONCE_SIZE	12
#define CHACHA20_BLOCK_SIZE	64

/* Block @counter of the key stream for @key and @nonce into @out (RFC 8439 §2.3). */
void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE]);

/*
 * XOR @len bytes of key stream, starting at block @counter, into @buf (in
 * place): encryption and decryption of §2.4, or plain key stream over a
 * zeroed buffer.
 */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t *buf, size_t len);

/* Clear @len bytes at @p in a way the compiler cannot drop (key material). */
void chacha20_wipe(void *p, size_t len);

#endif
