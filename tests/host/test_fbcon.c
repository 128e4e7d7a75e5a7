// host-test-sources: drivers/tty/fbcon.c drivers/tty/font8x16.c drivers/tty/fbcon_glue.c kernel/spinlock.c tests/host/shim_fbcon.c
/*
 * Host tests for the framebuffer console: text drawn into ordinary memory
 * laid out as 32, 24 and 16 bpp framebuffers, checked pixel by pixel against
 * the font and hand-computed colour values; cursor movement, wrap, scroll,
 * escape sequences, geometry checks, the font itself, and the kernel glue.
 */
#include "htest.h"
#include <ferrite/fbcon.h>
#include <ferrite/io.h>
#include <ferrite/printk.h>
#include <asm-generic/errno.h>

extern struct console *shim_fbcon_console;
extern uint64_t shim_fbcon_map_phys;
extern size_t shim_fbcon_map_size;
extern int shim_fbcon_map_mode;
extern int shim_fbcon_map_fail;
extern int shim_fbcon_unmaps;

/* Expected pixel values, worked out by hand for each layout. */
#define XRGB_GREY	0xaaaaaau
#define XRGB_RED	0xaa0000u
#define XRGB_GREEN	0x00aa00u
#define XRGB_BLUE	0x0000aau
#define RGB565_GREY	0xad55u		/* r 21 << 11 | g 42 << 5 | b 21 */
#define RGB565_WHITE	0xffffu

static uint8_t arena[2 << 20];	/* large enough for 640 x 480 x 4 */

struct tfb {
	struct boot_framebuffer fb;
	uint8_t *buf;
	struct fbcon fc;
};

static const struct boot_framebuffer fmt_xrgb = {
	.bpp = 32, .red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
	.blue_pos = 0, .blue_size = 8,
};
static const struct boot_framebuffer fmt_xbgr = {
	.bpp = 32, .red_pos = 0, .red_size = 8, .green_pos = 8, .green_size = 8,
	.blue_pos = 16, .blue_size = 8,
};
static const struct boot_framebuffer fmt_rgb24 = {
	.bpp = 24, .red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
	.blue_pos = 0, .blue_size = 8,
};
static const struct boot_framebuffer fmt_rgb565 = {
	.bpp = 16, .red_pos = 11, .red_size = 5, .green_pos = 5, .green_size = 6,
	.blue_pos = 0, .blue_size = 5,
};

/*
 * Lay out a @w x @h framebuffer in @fmt's format with @pad bytes after each
 * line, @skew bytes into the arena (to test odd alignment), poisoned before
 * fbcon_setup runs on it. Returns fbcon_setup's result.
 */
static int tfb_init(struct tfb *t, const struct boot_framebuffer *fmt, uint32_t w, uint32_t h,
		    uint32_t pad, uint32_t skew)
{
	t->fb = *fmt;
	t->fb.width = w;
	t->fb.height = h;
	t->fb.pitch = w * (fmt->bpp / 8) + pad;
	t->buf = arena + skew;
	memset(arena, 0xa5, sizeof(arena));
	return fbcon_setup(&t->fc, t->buf, &t->fb);
}

static void put(struct tfb *t, const char *s)
{
	fbcon_write(&t->fc, s, strlen(s));
}

static uint32_t px(const struct tfb *t, uint32_t x, uint32_t y)
{
	const uint8_t *p = t->buf + (size_t)y * t->fb.pitch + (size_t)x * (t->fb.bpp / 8);
	uint32_t v = 0;

	for (uint32_t i = 0; i < t->fb.bpp / 8u; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Does text cell (@row, @col) show @ch in pixel values @fg on @bg? */
static bool cell_is(const struct tfb *t, uint32_t row, uint32_t col, int ch, uint32_t fg,
		    uint32_t bg)
{
	const uint8_t *g = fbcon_font_glyph((uint32_t)ch);

	for (uint32_t y = 0; y < 16; y++) {
		for (uint32_t x = 0; x < 8; x++) {
			uint32_t want = (g[y] & (0x80 >> x)) ? fg : bg;

			if (px(t, col * 8 + x, row * 16 + y) != want)
				return false;
		}
	}
	return true;
}

static bool cell_blank(const struct tfb *t, uint32_t row, uint32_t col)
{
	return cell_is(t, row, col, ' ', 0, 0);
}

/* Pixels of the visible area (x < width) that are not @v. */
static long count_not(const struct tfb *t, uint32_t v)
{
	long n = 0;

	for (uint32_t y = 0; y < t->fb.height; y++)
		for (uint32_t x = 0; x < t->fb.width; x++)
			n += px(t, x, y) != v;
	return n;
}

static int glyph_ink(int ch)
{
	const uint8_t *g = fbcon_font_glyph((uint32_t)ch);
	int n = 0;

	for (int i = 0; i < 16; i++)
		n += __builtin_popcount(g[i]);
	return n;
}

HTEST(setup_clears_and_homes)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 84, 50, 12, 0), 0);
	EXPECT_EQ(t.fc.cols, 10);
	EXPECT_EQ(t.fc.rows, 3);
	EXPECT_EQ(t.fc.row, 0);
	EXPECT_EQ(t.fc.col, 0);
	EXPECT_EQ(count_not(&t, 0), 0);	/* margins cleared too */
}

HTEST(glyph_32bpp_exact_pixels)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);
	put(&t, "\n  A");
	EXPECT_EQ(t.fc.row, 1);
	EXPECT_EQ(t.fc.col, 3);
	EXPECT(cell_is(&t, 1, 2, 'A', XRGB_GREY, 0));
	/* 'A': apex alone in column 3 of row 3, crossbar columns 0-6 of row 8. */
	EXPECT_EQ(px(&t, 16 + 3, 16 + 3), XRGB_GREY);
	EXPECT_EQ(px(&t, 16 + 2, 16 + 3), 0);
	EXPECT_EQ(px(&t, 16 + 4, 16 + 3), 0);
	for (uint32_t x = 0; x < 7; x++)
		EXPECT_EQ(px(&t, 16 + x, 16 + 8), XRGB_GREY);
	EXPECT_EQ(px(&t, 16 + 7, 16 + 8), 0);
	/* Nothing else on the screen. */
	EXPECT_EQ(count_not(&t, 0), glyph_ink('A'));
}

HTEST(glyph_32bpp_bgr_channel_positions)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xbgr, 80, 48, 0, 0), 0);
	put(&t, "\x1b[31;44mH");
	/* Red lands in the low byte, blue in bits 16-23. */
	EXPECT(cell_is(&t, 0, 0, 'H', 0x0000aa, 0xaa0000));
	EXPECT_EQ(px(&t, 0, 3), 0x0000aa);
	EXPECT_EQ(px(&t, 1, 3), 0xaa0000);
}

HTEST(glyph_24bpp_bytes_unaligned)
{
	struct tfb t;
	const uint8_t *p;

	EXPECT_EQ(tfb_init(&t, &fmt_rgb24, 80, 48, 5, 1), 0);
	put(&t, "x\x1b[31mA");
	EXPECT(cell_is(&t, 0, 0, 'x', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 0, 1, 'A', XRGB_RED, 0));
	/* Byte order in memory for r16 g8 b0: blue, green, red. */
	p = t.buf + 3 * t.fb.pitch + (8 + 3) * 3;
	EXPECT_EQ(p[0], 0x00);
	EXPECT_EQ(p[1], 0x00);
	EXPECT_EQ(p[2], 0xaa);
	EXPECT_EQ(p[3], 0x00);	/* next pixel is background */
	/* The padding after each line is not ours to touch. */
	EXPECT_EQ(t.buf[t.fb.width * 3], 0xa5);
	EXPECT_EQ(count_not(&t, 0), glyph_ink('x') + glyph_ink('A'));
}

HTEST(glyph_16bpp_rgb565)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_rgb565, 80, 48, 6, 0), 0);
	put(&t, "q\x1b[97mq");
	EXPECT(cell_is(&t, 0, 0, 'q', RGB565_GREY, 0));
	EXPECT(cell_is(&t, 0, 1, 'q', RGB565_WHITE, 0));
	EXPECT_EQ(count_not(&t, 0), 2 * glyph_ink('q'));
}

HTEST(default_layout_when_loader_gives_none)
{
	struct tfb t;
	struct boot_framebuffer bare = { .bpp = 16 };

	EXPECT_EQ(tfb_init(&t, &bare, 80, 48, 0, 0), 0);
	put(&t, "M");
	EXPECT(cell_is(&t, 0, 0, 'M', RGB565_GREY, 0));
	bare.bpp = 32;
	EXPECT_EQ(tfb_init(&t, &bare, 80, 48, 0, 0), 0);
	put(&t, "M");
	EXPECT(cell_is(&t, 0, 0, 'M', XRGB_GREY, 0));
}

HTEST(newline_and_carriage_return)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);
	put(&t, "ab\ncd");
	EXPECT_EQ(t.fc.row, 1);
	EXPECT_EQ(t.fc.col, 2);
	put(&t, "\r");
	EXPECT_EQ(t.fc.row, 1);
	EXPECT_EQ(t.fc.col, 0);
	put(&t, "X");
	EXPECT(cell_is(&t, 0, 0, 'a', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 0, 1, 'b', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 1, 0, 'X', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 1, 1, 'd', XRGB_GREY, 0));
}

HTEST(tab_stops)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 160, 48, 0, 0), 0);	/* 20 columns */
	put(&t, "\t");
	EXPECT_EQ(t.fc.col, 8);
	put(&t, "abc\t");
	EXPECT_EQ(t.fc.col, 16);
	put(&t, "\t");
	EXPECT_EQ(t.fc.col, 19);	/* no stop left: the last column */
	put(&t, "\t");
	EXPECT_EQ(t.fc.col, 19);
	EXPECT_EQ(t.fc.row, 0);
	EXPECT_EQ(count_not(&t, 0), glyph_ink('a') + glyph_ink('b') + glyph_ink('c'));
	EXPECT(cell_is(&t, 0, 8, 'a', XRGB_GREY, 0));
}

HTEST(backspace)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);	/* 10 columns */
	put(&t, "\b");
	EXPECT_EQ(t.fc.col, 0);
	put(&t, "abc\b");
	EXPECT_EQ(t.fc.col, 2);
	put(&t, "\bX");
	EXPECT(cell_is(&t, 0, 1, 'X', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 0, 2, 'c', XRGB_GREY, 0));
	/* From the pending-wrap position back onto the last column. */
	put(&t, "\r0123456789\b");
	EXPECT_EQ(t.fc.col, 9);
	put(&t, "Z");
	EXPECT_EQ(t.fc.row, 0);
	EXPECT(cell_is(&t, 0, 9, 'Z', XRGB_GREY, 0));
}

HTEST(wrap_at_last_column)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);	/* 10 columns */
	put(&t, "0123456789");
	EXPECT_EQ(t.fc.row, 0);
	EXPECT(cell_is(&t, 0, 9, '9', XRGB_GREY, 0));
	for (uint32_t c = 0; c < 10; c++)
		EXPECT(cell_blank(&t, 1, c));
	put(&t, "AB");
	EXPECT_EQ(t.fc.row, 1);
	EXPECT_EQ(t.fc.col, 2);
	EXPECT(cell_is(&t, 1, 0, 'A', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 1, 1, 'B', XRGB_GREY, 0));
	/* A full line then \n: no empty line in between. */
	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);
	put(&t, "0123456789\nC");
	EXPECT(cell_is(&t, 1, 0, 'C', XRGB_GREY, 0));
}

HTEST(scroll_moves_rows_up_and_blanks_last)
{
	struct tfb t;

	/* 10 x 3 cells with a 4-pixel right and 2-pixel bottom margin. */
	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 84, 50, 0, 0), 0);
	memset(t.buf + 48 * t.fb.pitch, 0x77, 2 * t.fb.pitch);
	put(&t, "a\nb\nc");
	EXPECT(cell_is(&t, 0, 0, 'a', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 2, 0, 'c', XRGB_GREY, 0));
	put(&t, "\x1b[32m123456789\x1b[0md");	/* wraps onto a 4th line */
	EXPECT_EQ(t.fc.row, 2);
	EXPECT_EQ(t.fc.col, 1);
	EXPECT(cell_is(&t, 0, 0, 'b', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 1, 0, 'c', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 1, 1, '1', XRGB_GREEN, 0));
	EXPECT(cell_is(&t, 1, 9, '9', XRGB_GREEN, 0));
	EXPECT(cell_is(&t, 2, 0, 'd', XRGB_GREY, 0));
	put(&t, "\n");
	EXPECT(cell_is(&t, 0, 0, 'c', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 1, 0, 'd', XRGB_GREY, 0));
	for (uint32_t y = 32; y < 48; y++)
		for (uint32_t x = 0; x < 80; x++)
			EXPECT_EQ(px(&t, x, y), 0);
	EXPECT_EQ(px(&t, 0, 48), 0x77777777);	/* below the text area: untouched */
	EXPECT_EQ(px(&t, 83, 49), 0x77777777);
}

HTEST(scroll_clears_with_current_background)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 32, 0, 0), 0);	/* 2 rows */
	put(&t, "a\n\x1b[44mb\n");
	EXPECT(cell_is(&t, 0, 0, 'b', XRGB_GREY, XRGB_BLUE));
	EXPECT(cell_is(&t, 1, 5, ' ', 0, XRGB_BLUE));
}

HTEST(escape_sequences_draw_nothing)
{
	static const char *const seqs[] = {
		"\x1b[?25l", "\x1b[?1049h", "\x1b]0;a title\x07", "\x1b]2;t\x1b\\",
		"\x1b(B", "\x1b" "7", "\x1b[38;5;196m", "\x1b[1;31m", "\x1b[0m", "\x1b[>c",
		"\x1b[", "12;3", "4x", "\x07\x01\x7f", "\x1b[3\x18", "\x1b[31\x1b[0m",
	};
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);
	for (size_t i = 0; i < ARRAY_SIZE(seqs); i++)
		put(&t, seqs[i]);
	EXPECT_EQ(count_not(&t, 0), 0);
	EXPECT_EQ(t.fc.row, 0);
	EXPECT_EQ(t.fc.col, 0);
	put(&t, "x");
	EXPECT(cell_is(&t, 0, 0, 'x', XRGB_GREY, 0));
}

HTEST(escape_split_across_writes)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);
	put(&t, "\x1b");
	put(&t, "[3");
	put(&t, "2mG");
	EXPECT_EQ(t.fc.col, 1);
	EXPECT(cell_is(&t, 0, 0, 'G', XRGB_GREEN, 0));
}

HTEST(sgr_colours)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);
	put(&t, "\x1b[31;44mA\x1b[1mB\x1b[22;39;49mC\x1b[93;105mD\x1b[mE");
	EXPECT(cell_is(&t, 0, 0, 'A', XRGB_RED, XRGB_BLUE));
	EXPECT(cell_is(&t, 0, 1, 'B', 0xff5555, XRGB_BLUE));
	EXPECT(cell_is(&t, 0, 2, 'C', XRGB_GREY, 0));
	EXPECT(cell_is(&t, 0, 3, 'D', 0xffff55, 0xff55ff));
	EXPECT(cell_is(&t, 0, 4, 'E', XRGB_GREY, 0));
}

HTEST(csi_cursor_and_erase)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);	/* 10 x 3 */
	put(&t, "\x1b[2;5H");
	EXPECT_EQ(t.fc.row, 1);
	EXPECT_EQ(t.fc.col, 4);
	put(&t, "\x1b[99;99H");
	EXPECT_EQ(t.fc.row, 2);
	EXPECT_EQ(t.fc.col, 9);
	put(&t, "\x1b[A\x1b[3D");
	EXPECT_EQ(t.fc.row, 1);
	EXPECT_EQ(t.fc.col, 6);
	put(&t, "\x1b[H");
	EXPECT_EQ(t.fc.row, 0);
	EXPECT_EQ(t.fc.col, 0);
	put(&t, "abcdef\r\x1b[3C\x1b[K");
	EXPECT(cell_is(&t, 0, 2, 'c', XRGB_GREY, 0));
	EXPECT(cell_blank(&t, 0, 3));
	EXPECT(cell_blank(&t, 0, 5));
	EXPECT_EQ(t.fc.col, 3);
	put(&t, "\nxyz\x1b[2J");
	EXPECT_EQ(count_not(&t, 0), 0);
	EXPECT_EQ(t.fc.row, 1);
	EXPECT_EQ(t.fc.col, 3);
}

HTEST(non_ascii_draws_one_box_per_character)
{
	struct tfb t;

	EXPECT_EQ(tfb_init(&t, &fmt_xrgb, 80, 48, 0, 0), 0);
	put(&t, "\xc3\xa9\xe2\x82\xac\xff");	/* U+00E9, U+20AC, a stray byte */
	EXPECT_EQ(t.fc.col, 3);
	EXPECT(cell_is(&t, 0, 0, 0x100, XRGB_GREY, 0));
	EXPECT(cell_is(&t, 0, 1, 0x100, XRGB_GREY, 0));
	EXPECT(cell_is(&t, 0, 2, 0x100, XRGB_GREY, 0));
}

HTEST(invalid_geometry_rejected)
{
	struct fbcon fc;
	struct boot_framebuffer fb = fmt_xrgb;

	fb.width = 640, fb.height = 480, fb.pitch = 2560;
	EXPECT_EQ(fbcon_setup(&fc, arena, &fb), 0);
	EXPECT_EQ(fbcon_setup(&fc, NULL, &fb), -EINVAL);
#define REJECT(field, value)						\
	do {								\
		struct boot_framebuffer bad = fb;			\
		bad.field = value;					\
		EXPECT_EQ(fbcon_setup(&fc, arena, &bad), -EINVAL);	\
	} while (0)
	REJECT(bpp, 8);
	REJECT(bpp, 15);
	REJECT(bpp, 0);
	REJECT(width, 0);
	REJECT(width, 7);
	REJECT(height, 0);
	REJECT(height, 15);
	REJECT(width, 20000);
	REJECT(height, 20000);
	REJECT(pitch, 0);
	REJECT(pitch, 2559);
	REJECT(pitch, 1u << 20);
	REJECT(red_pos, 30);
	REJECT(blue_size, 40);
	REJECT(green_pos, 200);
#undef REJECT
	fb.bpp = 16;		/* pitch 2560 still fits 640 x 2 bytes */
	EXPECT_EQ(fbcon_setup(&fc, arena, &fb), -EINVAL);	/* red at 16-23 > 16 bits */
	fb.red_pos = 11, fb.red_size = 5, fb.green_pos = 5, fb.green_size = 6;
	fb.blue_pos = 0, fb.blue_size = 5;
	EXPECT_EQ(fbcon_setup(&fc, arena, &fb), 0);
}

HTEST(font_printable_glyphs_non_empty_and_distinct)
{
	for (int a = 0x21; a <= 0x7e; a++) {
		EXPECT(glyph_ink(a) > 0);
		for (int b = a + 1; b <= 0x7e; b++)
			EXPECT(memcmp(fbcon_font_glyph(a), fbcon_font_glyph(b), 16) != 0);
		EXPECT(memcmp(fbcon_font_glyph(a), fbcon_font_glyph(0x100), 16) != 0);
	}
}

HTEST(font_space_blank_and_box_fallback)
{
	static const uint32_t others[] = { 0x00, 0x1b, 0x1f, 0x7f, 0x80, 0xff, 0x100, 0x20ac };

	EXPECT_EQ(glyph_ink(' '), 0);
	EXPECT(glyph_ink(0x100) > 0);
	for (size_t i = 0; i < ARRAY_SIZE(others); i++)
		EXPECT(fbcon_font_glyph(others[i]) == fbcon_font_glyph(0x100));
}

HTEST(font_keeps_gap_column)
{
	/* Column 7 separates letters; only '_' reaches it, so that it joins up. */
	for (int c = 0x21; c <= 0x7e; c++) {
		const uint8_t *g = fbcon_font_glyph(c);

		for (int y = 0; y < 16; y++)
			EXPECT(!(g[y] & 1) || c == '_');
	}
}

HTEST(init_glue_maps_and_registers)
{
	struct boot_framebuffer fb = fmt_xrgb;
	struct console *con;

	fb.width = 80, fb.height = 48, fb.pitch = 320;
	EXPECT_EQ(fbcon_init(&fb), -ENODEV);			/* phys 0 */
	fb.phys = (uint64_t)(uintptr_t)arena;
	fb.bpp = 8;
	EXPECT_EQ(fbcon_init(&fb), -EINVAL);
	fb.bpp = 32;
	shim_fbcon_map_fail = 1;
	EXPECT_EQ(fbcon_init(&fb), -ENOMEM);
	shim_fbcon_map_fail = 0;
	EXPECT(shim_fbcon_console == NULL);
	memset(arena, 0xa5, sizeof(arena));
	EXPECT_EQ(fbcon_init(&fb), 0);
	EXPECT_EQ(shim_fbcon_map_phys, fb.phys);
	EXPECT_EQ(shim_fbcon_map_size, 320 * 48);
	EXPECT_EQ(shim_fbcon_map_mode, IOREMAP_WC);
	EXPECT_EQ(shim_fbcon_unmaps, 0);
	con = shim_fbcon_console;
	EXPECT(con != NULL);
	EXPECT_STREQ(con->name, "fb0");
	EXPECT_EQ(arena[0], 0);					/* cleared */
	con->write(con, "\nHi", 3);
	{
		struct tfb t = { .fb = fb, .buf = arena };

		EXPECT(cell_is(&t, 1, 0, 'H', XRGB_GREY, 0));
		EXPECT(cell_is(&t, 1, 1, 'i', XRGB_GREY, 0));
	}
	EXPECT_EQ(fbcon_init(&fb), -EBUSY);
}

HTEST_MAIN()
