/*
 * DEFLATE decoder (RFC 1951) and gzip framing (RFC 1952).
 *
 * Huffman codes are decoded through two-level lookup tables: the low
 * ROOT bits of the bit buffer index a primary table whose entry is either
 * the symbol itself or the offset of a sub-table indexed by the next bits.
 * Each entry carries what the decoder needs next (literal byte, length or
 * distance base and its count of extra bits), so a symbol costs one or two
 * loads. Input bits are read LSB first through a 64-bit buffer refilled
 * eight bytes at a time.
 *
 * Output goes to a window of WIN_SIZE bytes; when it fills it is handed to
 * the sink and its last 32 KiB (the longest distance DEFLATE may reach
 * back) are moved to the front. Every index into the window and the input
 * is checked against the bytes actually there, so corrupt input cannot
 * push the decoder out of bounds.
 */
#include <ferrite/inflate.h>
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>

#define MAX_BITS	15		/* longest Huffman code (RFC 1951 §3.2.7) */
#define HIST_SIZE	32768		/* farthest back-reference */
#define WIN_SIZE	(4 * HIST_SIZE)	/* output gathered before each flush */
#define WIN_SLACK	(258 + 16)	/* a match started below WIN_SIZE, plus overshoot */
#define MAX_MATCH	258

#define LIT_ROOT	10
#define DIST_ROOT	8
#define CL_ROOT		7
/*
 * Table capacities. A code is complete (a full binary tree) or a single
 * one-bit code, so the codes below one root prefix form a full subtree: k
 * leaves reach at most k-1 levels below the root. That bounds the
 * sub-tables at 48 * 32 entries for 288 symbols and 4 * 128 for 32.
 */
#define LIT_TAB_CAP	((1 << LIT_ROOT) + 1536)
#define DIST_TAB_CAP	((1 << DIST_ROOT) + 512)
#define CL_TAB_CAP	(1 << CL_ROOT)

#define NUM_LITLEN	288
#define NUM_DIST	32
#define NUM_CL		19

/*
 * A table entry: bits 0-15 value (literal byte, length or distance base, or
 * sub-table offset), 16-19 code length (total bits), 20-23 extra bits to
 * read (sub-table index bits for SUB), 24-31 kind.
 */
enum { K_LIT = 1, K_LEN, K_EOB, K_DIST, K_SUB, K_BAD };
#define ENT(kind, val, nbits, extra) \
	(((uint32_t)(kind) << 24) | ((uint32_t)(extra) << 20) | ((uint32_t)(nbits) << 16) | (val))
#define ENT_KIND(e)	((e) >> 24)
#define ENT_VAL(e)	((e) & 0xffff)
#define ENT_NBITS(e)	(((e) >> 16) & 0xf)
#define ENT_EXTRA(e)	(((e) >> 20) & 0xf)
#define ENT_BAD		ENT(K_BAD, 0, 0, 0)

/* Length and distance bases and extra bits (RFC 1951 §3.2.5). */
static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
};
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};
/* Order of the code length code lengths in a dynamic block header (§3.2.7). */
static const uint8_t cl_order[NUM_CL] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
};

/* CRC-32, reflected polynomial 0xedb88320, one entry per byte value. */
static const uint32_t crc32_table[256] = {
	0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f,
	0xe963a535, 0x9e6495a3, 0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988,
	0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91, 0x1db71064, 0x6ab020f2,
	0xf3b97148, 0x84be41de, 0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
	0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec, 0x14015c4f, 0x63066cd9,
	0xfa0f3d63, 0x8d080df5, 0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172,
	0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b, 0x35b5a8fa, 0x42b2986c,
	0xdbbbc9d6, 0xacbcf940, 0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
	0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116, 0x21b4f4b5, 0x56b3c423,
	0xcfba9599, 0xb8bda50f, 0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924,
	0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d, 0x76dc4190, 0x01db7106,
	0x98d220bc, 0xefd5102a, 0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
	0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818, 0x7f6a0dbb, 0x086d3d2d,
	0x91646c97, 0xe6635c01, 0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e,
	0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457, 0x65b0d9c6, 0x12b7e950,
	0x8bbeb8ea, 0xfcb9887c, 0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
	0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2, 0x4adfa541, 0x3dd895d7,
	0xa4d1c46d, 0xd3d6f4fb, 0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0,
	0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9, 0x5005713c, 0x270241aa,
	0xbe0b1010, 0xc90c2086, 0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
	0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4, 0x59b33d17, 0x2eb40d81,
	0xb7bd5c3b, 0xc0ba6cad, 0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a,
	0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683, 0xe3630b12, 0x94643b84,
	0x0d6d6a3e, 0x7a6a5aa8, 0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
	0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe, 0xf762575d, 0x806567cb,
	0x196c3671, 0x6e6b06e7, 0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc,
	0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5, 0xd6d6a3e8, 0xa1d1937e,
	0x38d8c2c4, 0x4fdff252, 0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
	0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60, 0xdf60efc3, 0xa867df55,
	0x316e8eef, 0x4669be79, 0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236,
	0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f, 0xc5ba3bbe, 0xb2bd0b28,
	0x2bb45a92, 0x5cb36a04, 0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
	0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a, 0x9c0906a9, 0xeb0e363f,
	0x72076785, 0x05005713, 0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38,
	0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21, 0x86d3d2d4, 0xf1d4e242,
	0x68ddb3f8, 0x1fda836e, 0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
	0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c, 0x8f659eff, 0xf862ae69,
	0x616bffd3, 0x166ccf45, 0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2,
	0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db, 0xaed16a4a, 0xd9d65adc,
	0x40df0b66, 0x37d83bf0, 0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
	0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6, 0xbad03605, 0xcdd70693,
	0x54de5729, 0x23d967bf, 0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94,
	0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
};

enum alphabet { ALPHA_LITLEN, ALPHA_DIST, ALPHA_CL };

struct bitreader {
	const uint8_t *in;
	size_t pos;		/* next input byte to load */
	size_t len;
	uint64_t buf;		/* loaded bits, LSB first; above cnt: 0 or the next input bits */
	unsigned int cnt;	/* valid bits in buf, < 64 */
};

struct inflate_state {
	struct bitreader br;
	inflate_sink_fn sink;
	void *arg;
	uint8_t *win;		/* WIN_SIZE + WIN_SLACK bytes, after this struct */
	size_t pos;		/* next byte to write in win */
	size_t flushed;		/* win[0, flushed) has gone to the sink */
	uint32_t crc;		/* running CRC register of the member (inverted) */
	uint32_t size;		/* member's output size mod 2^32 */
	bool fixed_ready;
	uint32_t crc_slice[8][256];
	uint32_t lit[LIT_TAB_CAP];
	uint32_t dist[DIST_TAB_CAP];
	uint32_t cl[CL_TAB_CAP];
	uint32_t fixed_lit[1 << LIT_ROOT];
	uint32_t fixed_dist[1 << DIST_ROOT];
	uint8_t submax[1 << LIT_ROOT];
	uint8_t lens[NUM_LITLEN + NUM_DIST];
};

/* ---- CRC-32 ---- */

uint32_t inflate_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--)
		crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Tables for eight bytes a step ("slicing by 8"): slice[k][b] is b followed by k zero bytes. */
static void crc_slices_init(struct inflate_state *s)
{
	for (int b = 0; b < 256; b++) {
		uint32_t c = crc32_table[b];

		s->crc_slice[0][b] = c;
		for (int k = 1; k < 8; k++) {
			c = crc32_table[c & 0xff] ^ (c >> 8);
			s->crc_slice[k][b] = c;
		}
	}
}

/* Continue the (inverted) CRC register @crc over @p; little-endian loads. */
static uint32_t crc_update(const struct inflate_state *s, uint32_t crc, const uint8_t *p, size_t len)
{
	const uint32_t (*t)[256] = s->crc_slice;

	while (len >= 8) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		a ^= crc;
		crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^
		      t[4][a >> 24] ^ t[3][b & 0xff] ^ t[2][(b >> 8) & 0xff] ^
		      t[1][(b >> 16) & 0xff] ^ t[0][b >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

/* ---- Bit input ---- */

/* Load input bytes until at least 56 bits are buffered or the input ends. */
static inline void br_refill(struct bitreader *br)
{
	if (likely(br->len - br->pos >= 8)) {
		uint64_t v;

		/* Bits past the counted bytes are the next input bits: ORing them
		 * again later with the same bytes changes nothing. */
		memcpy(&v, br->in + br->pos, 8);
		br->buf |= v << br->cnt;
		br->pos += (63 - br->cnt) >> 3;
		br->cnt |= 56;
		return;
	}
	while (br->cnt <= 56 && br->pos < br->len) {
		br->buf |= (uint64_t)br->in[br->pos++] << br->cnt;
		br->cnt += 8;
	}
}

/* True if @n (<= 56) bits can be read. */
static inline bool br_need(struct bitreader *br, unsigned int n)
{
	if (br->cnt < n)
		br_refill(br);
	return br->cnt >= n;
}

static inline void br_drop(struct bitreader *br, unsigned int n)
{
	br->buf >>= n;
	br->cnt -= n;
}

/* The next @n (<= 32) bits; the caller made sure they are there. */
static inline uint32_t br_take(struct bitreader *br, unsigned int n)
{
	uint32_t v = br->buf & ((1ULL << n) - 1);

	br_drop(br, n);
	return v;
}

/* Drop the bits up to the next byte boundary and give whole buffered bytes back. */
static void br_align(struct bitreader *br)
{
	br_drop(br, br->cnt & 7);
	br->pos -= br->cnt >> 3;
	br->buf = 0;
	br->cnt = 0;
}

/* ---- Huffman tables ---- */

static unsigned int bit_reverse(unsigned int code, unsigned int len)
{
	unsigned int r = 0;

	while (len--) {
		r = (r << 1) | (code & 1);
		code >>= 1;
	}
	return r;
}

/* The table entry for symbol @sym of @alpha with a code of @len bits. */
static uint32_t sym_entry(enum alphabet alpha, unsigned int sym, unsigned int len)
{
	if (alpha == ALPHA_CL)
		return ENT(K_LIT, sym, len, 0);
	if (alpha == ALPHA_DIST)
		return sym < 30 ? ENT(K_DIST, dist_base[sym], len, dist_extra[sym]) :
				  ENT(K_BAD, 0, len, 0);
	if (sym < 256)
		return ENT(K_LIT, sym, len, 0);
	if (sym == 256)
		return ENT(K_EOB, 0, len, 0);
	if (sym < 286)
		return ENT(K_LEN, len_base[sym - 257], len, len_extra[sym - 257]);
	return ENT(K_BAD, 0, len, 0);
}

/*
 * Lay out the sub-tables of codes longer than @root bits: one per root
 * prefix, as wide as the longest code under it. @next holds the first
 * canonical code of each length. 0, or -EBADMSG if @cap is too small.
 */
static int huff_subtables(struct inflate_state *s, uint32_t *tab, size_t cap, unsigned int root,
			  const uint8_t *lens, unsigned int n, const unsigned int *next0)
{
	unsigned int next[MAX_BITS + 1], rootsize = 1u << root;
	size_t off = rootsize;

	memcpy(next, next0, sizeof(next));
	memset(s->submax, 0, rootsize);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int len = lens[i], code, p;

		if (!len)
			continue;
		code = next[len]++;
		if (len <= root)
			continue;
		p = bit_reverse(code, len) & (rootsize - 1);
		if (len - root > s->submax[p])
			s->submax[p] = len - root;
	}
	for (unsigned int p = 0; p < rootsize; p++) {
		size_t size = (size_t)1 << s->submax[p];

		if (!s->submax[p])
			continue;
		if (off + size > cap)
			return -EBADMSG;
		tab[p] = ENT(K_SUB, off, root, s->submax[p]);
		for (size_t j = 0; j < size; j++)
			tab[off + j] = ENT_BAD;
		off += size;
	}
	return 0;
}

/*
 * Build the decoding table for the canonical Huffman code (RFC 1951
 * §3.2.2) given by the code lengths @lens of @n symbols. Over-subscribed
 * codes are refused, and so are incomplete ones except a lone one-bit
 * code (as zlib does); an empty code gives a table where every lookup
 * fails. 0 or -EBADMSG.
 */
static int huff_build(struct inflate_state *s, uint32_t *tab, size_t cap, unsigned int root,
		      const uint8_t *lens, unsigned int n, enum alphabet alpha)
{
	unsigned int count[MAX_BITS + 1] = { 0 }, next[MAX_BITS + 1];
	unsigned int rootsize = 1u << root, maxlen = 0;
	int left = 1, err;

	for (unsigned int i = 0; i < n; i++)
		count[lens[i]]++;
	for (unsigned int len = 1; len <= MAX_BITS; len++) {
		left = (left << 1) - (int)count[len];
		if (left < 0)
			return -EBADMSG;
		if (count[len])
			maxlen = len;
	}
	for (unsigned int i = 0; i < rootsize; i++)
		tab[i] = ENT_BAD;
	if (maxlen == 0)
		return 0;
	if (left > 0 && (alpha == ALPHA_CL || maxlen != 1))
		return -EBADMSG;
	next[0] = next[1] = 0;
	for (unsigned int len = 1; len < MAX_BITS; len++)
		next[len + 1] = (next[len] + count[len]) << 1;
	if (maxlen > root) {
		err = huff_subtables(s, tab, cap, root, lens, n, next);
		if (err)
			return err;
	}
	for (unsigned int i = 0; i < n; i++) {
		unsigned int len = lens[i], rev;
		uint32_t e, sub;

		if (!len)
			continue;
		rev = bit_reverse(next[len]++, len);
		e = sym_entry(alpha, i, len);
		if (len <= root) {
			for (unsigned int j = rev; j < rootsize; j += 1u << len)
				tab[j] = e;
			continue;
		}
		sub = tab[rev & (rootsize - 1)];
		for (unsigned int j = rev >> root; j < (1u << ENT_EXTRA(sub)); j += 1u << (len - root))
			tab[ENT_VAL(sub) + j] = e;
	}
	return 0;
}

/* The entry for the code at the bottom of @bits; the caller checks its kind and length. */
static inline uint32_t huff_lookup(const uint32_t *tab, unsigned int root, uint64_t bits)
{
	uint32_t e = tab[bits & ((1u << root) - 1)];

	if (ENT_KIND(e) == K_SUB)
		e = tab[ENT_VAL(e) + ((bits >> root) & ((1u << ENT_EXTRA(e)) - 1))];
	return e;
}

/* ---- Output window ---- */

/* Hand the unflushed output to the sink; slide the window once it is full. */
static int win_flush(struct inflate_state *s)
{
	size_t n = s->pos - s->flushed;
	int err;

	if (n) {
		s->crc = crc_update(s, s->crc, s->win + s->flushed, n);
		s->size += (uint32_t)n;
		err = s->sink(s->arg, s->win + s->flushed, n);
		if (err)
			return err;
		s->flushed = s->pos;
	}
	if (s->pos >= WIN_SIZE) {
		memmove(s->win, s->win + s->pos - HIST_SIZE, HIST_SIZE);
		s->pos = s->flushed = HIST_SIZE;
	}
	return 0;
}

/*
 * Copy @len bytes from @d bytes back. Distances of 8 or more go eight
 * bytes a step and may write up to 7 bytes past the end (the window has
 * room): each step reads only bytes already written.
 */
static inline void copy_match(uint8_t *dst, size_t d, size_t len)
{
	const uint8_t *src = dst - d;
	uint8_t *end = dst + len;

	if (d >= 8) {
		do {
			uint64_t v;

			memcpy(&v, src, 8);
			memcpy(dst, &v, 8);
			src += 8;
			dst += 8;
		} while (dst < end);
	} else if (d == 1) {
		memset(dst, *src, len);
	} else {
		while (dst < end)
			*dst++ = *src++;
	}
}

/* ---- Blocks ---- */

/*
 * Decode one Huffman-coded block with tables @lit and @dist up to its
 * end-of-block code. Each loop turn needs at most 15 + 5 + 15 + 13 = 48
 * bits, so one refill per symbol is enough; near the end of the input
 * every read is checked. 0 or -errno.
 */
static int inflate_codes(struct inflate_state *s, const uint32_t *lit, const uint32_t *dist)
{
	struct bitreader br = s->br;
	uint8_t *win = s->win;
	size_t pos = s->pos, length, d;
	uint32_t e;
	int err = 0;

	for (;;) {
		if (unlikely(pos >= WIN_SIZE)) {
			s->pos = pos;
			err = win_flush(s);
			if (err)
				goto out;
			pos = s->pos;
		}
		if (br.cnt < 48)
			br_refill(&br);
		e = huff_lookup(lit, LIT_ROOT, br.buf);
		if (unlikely(ENT_NBITS(e) > br.cnt))
			goto bad;
		br_drop(&br, ENT_NBITS(e));
		if (likely(ENT_KIND(e) == K_LIT)) {
			win[pos++] = ENT_VAL(e);
			continue;
		}
		if (ENT_KIND(e) == K_EOB)
			break;
		if (ENT_KIND(e) != K_LEN || ENT_EXTRA(e) > br.cnt)
			goto bad;
		length = ENT_VAL(e) + br_take(&br, ENT_EXTRA(e));
		e = huff_lookup(dist, DIST_ROOT, br.buf);
		if (ENT_KIND(e) != K_DIST || ENT_NBITS(e) + ENT_EXTRA(e) > br.cnt)
			goto bad;
		br_drop(&br, ENT_NBITS(e));
		d = ENT_VAL(e) + br_take(&br, ENT_EXTRA(e));
		if (d > pos)
			goto bad;	/* before the start of the stream */
		copy_match(win + pos, d, length);
		pos += length;
	}
out:
	s->br = br;
	s->pos = pos;
	return err;
bad:
	err = -EBADMSG;
	goto out;
}

/* A stored block (§3.2.4): LEN, NLEN, then LEN bytes copied as they are. */
static int inflate_stored(struct inflate_state *s)
{
	struct bitreader *br = &s->br;
	const uint8_t *in = br->in;
	size_t len, chunk;
	int err;

	br_align(br);
	if (br->len - br->pos < 4)
		return -EBADMSG;
	len = in[br->pos] | (in[br->pos + 1] << 8);
	if ((len ^ 0xffff) != (size_t)(in[br->pos + 2] | (in[br->pos + 3] << 8)))
		return -EBADMSG;
	br->pos += 4;
	if (br->len - br->pos < len)
		return -EBADMSG;
	while (len) {
		if (s->pos >= WIN_SIZE) {
			err = win_flush(s);
			if (err)
				return err;
		}
		chunk = MIN(len, WIN_SIZE - s->pos);
		memcpy(s->win + s->pos, in + br->pos, chunk);
		s->pos += chunk;
		br->pos += chunk;
		len -= chunk;
	}
	return 0;
}

/* A block with the fixed codes of §3.2.6 (tables built on first use). */
static int inflate_fixed(struct inflate_state *s)
{
	int err;

	if (!s->fixed_ready) {
		for (int i = 0; i < NUM_LITLEN; i++)
			s->lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
		err = huff_build(s, s->fixed_lit, ARRAY_SIZE(s->fixed_lit), LIT_ROOT, s->lens,
				 NUM_LITLEN, ALPHA_LITLEN);
		if (err)
			return err;
		for (int i = 0; i < NUM_DIST; i++)
			s->lens[i] = 5;
		err = huff_build(s, s->fixed_dist, ARRAY_SIZE(s->fixed_dist), DIST_ROOT, s->lens,
				 NUM_DIST, ALPHA_DIST);
		if (err)
			return err;
		s->fixed_ready = true;
	}
	return inflate_codes(s, s->fixed_lit, s->fixed_dist);
}

/* Read the run-length coded code lengths of a dynamic block into s->lens. */
static int read_code_lengths(struct inflate_state *s, unsigned int total)
{
	struct bitreader *br = &s->br;
	unsigned int i = 0, rep, sym;
	uint8_t val;
	uint32_t e;

	while (i < total) {
		/* Up to 7 + 7 bits; near the end of input the checks below decide. */
		(void)br_need(br, 14);
		e = huff_lookup(s->cl, CL_ROOT, br->buf);
		if (ENT_KIND(e) != K_LIT || ENT_NBITS(e) > br->cnt)
			return -EBADMSG;
		br_drop(br, ENT_NBITS(e));
		sym = ENT_VAL(e);
		if (sym < 16) {
			s->lens[i++] = sym;
			continue;
		}
		if (sym == 16 && i == 0)
			return -EBADMSG;	/* nothing to repeat */
		if (br->cnt < (sym == 16 ? 2u : sym == 17 ? 3u : 7u))
			return -EBADMSG;
		if (sym == 16) {
			val = s->lens[i - 1];
			rep = 3 + br_take(br, 2);
		} else {
			val = 0;
			rep = sym == 17 ? 3 + br_take(br, 3) : 11 + br_take(br, 7);
		}
		if (rep > total - i)
			return -EBADMSG;
		while (rep--)
			s->lens[i++] = val;
	}
	return 0;
}

/* A block with dynamic codes (§3.2.7): read the code description, then decode. */
static int inflate_dynamic(struct inflate_state *s)
{
	struct bitreader *br = &s->br;
	uint8_t cl_lens[NUM_CL] = { 0 };
	unsigned int hlit, hdist, hclen;
	int err;

	if (!br_need(br, 14))
		return -EBADMSG;
	hlit = br_take(br, 5) + 257;
	hdist = br_take(br, 5) + 1;
	hclen = br_take(br, 4) + 4;
	if (hlit > 286 || hdist > 30)
		return -EBADMSG;
	for (unsigned int i = 0; i < hclen; i++) {
		if (!br_need(br, 3))
			return -EBADMSG;
		cl_lens[cl_order[i]] = br_take(br, 3);
	}
	err = huff_build(s, s->cl, CL_TAB_CAP, CL_ROOT, cl_lens, NUM_CL, ALPHA_CL);
	if (err)
		return err;
	err = read_code_lengths(s, hlit + hdist);
	if (err)
		return err;
	if (s->lens[256] == 0)
		return -EBADMSG;	/* no end-of-block code */
	err = huff_build(s, s->lit, LIT_TAB_CAP, LIT_ROOT, s->lens, hlit, ALPHA_LITLEN);
	if (err)
		return err;
	err = huff_build(s, s->dist, DIST_TAB_CAP, DIST_ROOT, s->lens + hlit, hdist, ALPHA_DIST);
	if (err)
		return err;
	return inflate_codes(s, s->lit, s->dist);
}

/*
 * Decode the DEFLATE stream at @in into the sink (window reset: streams
 * are independent). *@used gets the input bytes up to the end of the
 * final block. 0 or -errno.
 */
static int inflate_stream(struct inflate_state *s, const uint8_t *in, size_t len, size_t *used)
{
	struct bitreader *br = &s->br;
	unsigned int final, type;
	int err;

	*br = (struct bitreader){ .in = in, .len = len };
	s->pos = s->flushed = 0;
	s->crc = 0xffffffff;
	s->size = 0;
	do {
		if (!br_need(br, 3))
			return -EBADMSG;
		final = br_take(br, 1);
		type = br_take(br, 2);
		if (type == 0)
			err = inflate_stored(s);
		else if (type == 1)
			err = inflate_fixed(s);
		else if (type == 2)
			err = inflate_dynamic(s);
		else
			err = -EBADMSG;
		if (err)
			return err;
	} while (!final);
	err = win_flush(s);
	if (err)
		return err;
	br_align(br);
	*used = br->pos;
	return 0;
}

/* ---- Entry points ---- */

static struct inflate_state *state_alloc(inflate_sink_fn sink, void *arg)
{
	struct inflate_state *s = vmalloc(sizeof(*s) + WIN_SIZE + WIN_SLACK);

	if (!s)
		return NULL;
	s->sink = sink;
	s->arg = arg;
	s->win = (uint8_t *)(s + 1);
	s->fixed_ready = false;
	crc_slices_init(s);
	return s;
}

int inflate_raw(const void *in, size_t len, size_t *consumed, inflate_sink_fn sink, void *arg)
{
	struct inflate_state *s = state_alloc(sink, arg);
	size_t used = 0;
	int err;

	if (!s)
		return -ENOMEM;
	err = inflate_stream(s, in, len, &used);
	if (!err && consumed)
		*consumed = used;
	vfree(s);
	return err;
}

bool inflate_is_gzip(const void *in, size_t len)
{
	const uint8_t *p = in;

	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

#define GZ_FHCRC	0x02
#define GZ_FEXTRA	0x04
#define GZ_FNAME	0x08
#define GZ_FCOMMENT	0x10
#define GZ_FRESERVED	0xe0

/* Skip a NUL-terminated field at *@p; false if it runs past @len. */
static bool skip_string(const uint8_t *in, size_t len, size_t *p)
{
	const uint8_t *nul = memchr(in + *p, 0, len - *p);

	if (!nul)
		return false;
	*p = (size_t)(nul - in) + 1;
	return true;
}

/* Parse a member header (RFC 1952 §2.3); its length in *@hdr_len. 0, -EINVAL or -EBADMSG. */
static int gzip_header(const uint8_t *in, size_t len, size_t *hdr_len)
{
	size_t p = 10, xlen;
	uint8_t flg;

	if (!inflate_is_gzip(in, len))
		return -EINVAL;
	if (len < 10)
		return -EBADMSG;
	flg = in[3];
	if (in[2] != 8 || (flg & GZ_FRESERVED))
		return -EINVAL;	/* not deflate, or flags we cannot know */
	if (flg & GZ_FEXTRA) {
		if (len - p < 2)
			return -EBADMSG;
		xlen = in[p] | (in[p + 1] << 8);
		if (len - p - 2 < xlen)
			return -EBADMSG;
		p += 2 + xlen;
	}
	if ((flg & GZ_FNAME) && !skip_string(in, len, &p))
		return -EBADMSG;
	if ((flg & GZ_FCOMMENT) && !skip_string(in, len, &p))
		return -EBADMSG;
	if (flg & GZ_FHCRC) {
		if (len - p < 2)
			return -EBADMSG;
		if ((inflate_crc32(0, in, p) & 0xffff) != (uint32_t)(in[p] | (in[p + 1] << 8)))
			return -EBADMSG;
		p += 2;
	}
	*hdr_len = p;
	return 0;
}

/* One gzip member at @in: header, DEFLATE data, CRC32 and ISIZE. Its length in *@used. */
static int gzip_member(struct inflate_state *s, const uint8_t *in, size_t len, size_t *used)
{
	size_t hdr, data;
	int err;

	err = gzip_header(in, len, &hdr);
	if (err)
		return err;
	err = inflate_stream(s, in + hdr, len - hdr, &data);
	if (err)
		return err;
	if (len - hdr - data < 8)
		return -EBADMSG;
	if (get_le32(in + hdr + data) != ~s->crc || get_le32(in + hdr + data + 4) != s->size)
		return -EBADMSG;
	*used = hdr + data + 8;
	return 0;
}

int inflate_gzip(const void *in, size_t len, size_t *consumed, inflate_sink_fn sink, void *arg)
{
	const uint8_t *p = in;
	struct inflate_state *s;
	size_t done = 0, used;
	int err;

	if (!inflate_is_gzip(in, len))
		return -EINVAL;
	s = state_alloc(sink, arg);
	if (!s)
		return -ENOMEM;
	do {
		err = gzip_member(s, p + done, len - done, &used);
		if (err)
			goto out;
		done += used;
	} while (inflate_is_gzip(p + done, len - done));
	if (consumed)
		*consumed = done;
out:
	vfree(s);
	return err;
}
