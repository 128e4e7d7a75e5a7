// host-test-sources: lib/chacha20.c
/*
 * Host tests for the ChaCha20 core of the kernel's random numbers
 * (lib/chacha20.c) against the test vectors of RFC 8439: the block
 * function of §2.3.2, the encryption example of §2.4.2 and the key stream
 * vectors of appendix A.1.
 */
#include "htest.h"
#include <stdint.h>
#include <ferrite/chacha20.h>

static void unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static void key_0_to_31(uint8_t key[32])
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
}

/* The block for (@key, @counter, @nonce) equals the 64 bytes in @hex. */
static bool block_is(const uint8_t *key, uint32_t counter, const uint8_t *nonce, const char *hex)
{
	uint8_t out[64], want[64];

	chacha20_block(key, counter, nonce, out);
	unhex(hex, want, 64);
	return memcmp(out, want, 64) == 0;
}

HTEST(rfc8439_2_3_2_block_function)
{
	uint8_t key[32];
	static const uint8_t nonce[12] = { 0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0 };

	key_0_to_31(key);
	EXPECT(block_is(key, 1, nonce,
			"10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
			"d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"));
}

HTEST(rfc8439_a1_keystream_vectors)
{
	uint8_t key[32] = { 0 };
	uint8_t nonce[12] = { 0 };

	/* #1: zero key and nonce, counter 0. */
	EXPECT(block_is(key, 0, nonce,
			"76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
			"da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"));
	/* #2: counter 1. */
	EXPECT(block_is(key, 1, nonce,
			"9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
			"29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f"));
	/* #4: key 00 ff 00 ..., counter 2. */
	key[1] = 0xff;
	EXPECT(block_is(key, 2, nonce,
			"72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
			"13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096"));
	/* #5: zero key, nonce ... 02, counter 0. */
	key[1] = 0;
	nonce[11] = 2;
	EXPECT(block_is(key, 0, nonce,
			"c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
			"8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d"));
}

HTEST(rfc8439_2_4_2_encryption)
{
	static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				    "only one tip for the future, sunscreen would be it.";
	static const char cipher_hex[] =
		"6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
		"f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
		"07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
		"5af90bbf74a35be6b40b8eedf2785e42874d";
	static const uint8_t nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	size_t len = sizeof(plain) - 1;
	uint8_t key[32], buf[256], want[256];

	EXPECT_EQ(len, 114);
	key_0_to_31(key);
	memcpy(buf, plain, len);
	chacha20_xor(key, 1, nonce, buf, len);
	unhex(cipher_hex, want, len);
	EXPECT(memcmp(buf, want, len) == 0);
	chacha20_xor(key, 1, nonce, buf, len);	/* and back */
	EXPECT(memcmp(buf, plain, len) == 0);
}

HTEST(xor_pieces_follow_the_counter)
{
	uint8_t key[32], nonce[12] = { 1, 2, 3 }, a[1000] = { 0 }, b[1000] = { 0 };

	key_0_to_31(key);
	chacha20_xor(key, 7, nonce, a, sizeof(a));
	/* Block-sized pieces with the counter advanced by hand give the same stream. */
	for (int i = 0; i < 1000; i += 64)
		chacha20_xor(key, 7 + i / 64, nonce, b + i, (size_t)(1000 - i < 64 ? 1000 - i : 64));
	EXPECT(memcmp(a, b, sizeof(a)) == 0);
}

HTEST(wipe_clears)
{
	uint8_t k[32];

	memset(k, 0xaa, sizeof(k));
	chacha20_wipe(k, sizeof(k));
	for (int i = 0; i < 32; i++)
		EXPECT_EQ(k[i], 0);
}

HTEST_MAIN()
