/*
 * Framebuffer text console: draws log text with a built-in 8x16 font on the
 * linear framebuffer the boot loader set up (Multiboot2 tag 8, direct RGB at
 * 16, 24 or 32 bits per pixel). It understands \n \r \t \b, wraps long lines,
 * scrolls by moving pixel rows up, and swallows ANSI escape sequences (SGR
 * colours and a few cursor/erase sequences are applied, the rest ignored).
 *
 * The drawing part (fbcon_setup, fbcon_write) works on any memory buffer and
 * is unit-tested on the host; fbcon_init is the kernel glue that maps the
 * real framebuffer and registers the "fb0" printk console.
 *
 * Lock legend: [I] set by fbcon_setup, then immutable; [L] fbcon.lock.
 * fbcon.lock is a leaf lock, always taken irqsave (printk may run in
 * interrupt handlers on any CPU); it nests inside the printk console lock.
 */
#ifndef FERRITE_FBCON_H
#define FERRITE_FBCON_H

#include <ferrite/compiler.h>
#include <ferrite/spinlock.h>
#include <ferrite/boot.h>

#define FBCON_FONT_W		8	/* font cell width, pixels */
#define FBCON_FONT_H		16	/* font cell height, pixels */
#define FBCON_MAX_DIM		16384	/* largest width or height accepted */
#define FBCON_MAX_PARAMS	8	/* numeric parameters kept per CSI sequence */
#define FBCON_TAB		8	/* tab stops every 8 columns */

/* Palette indexes: the 8 ANSI colours, +8 for the bright variants. */
enum fbcon_colour {
	FBCON_BLACK, FBCON_RED, FBCON_GREEN, FBCON_YELLOW,
	FBCON_BLUE, FBCON_MAGENTA, FBCON_CYAN, FBCON_WHITE,
	FBCON_BRIGHT = 8,
	FBCON_NR_COLOURS = 16,
};

#define FBCON_DEFAULT_FG	FBCON_WHITE	/* light grey */
#define FBCON_DEFAULT_BG	FBCON_BLACK

/* Where the escape-sequence parser is. */
enum fbcon_esc_state {
	FBCON_ST_TEXT,		/* ordinary text */
	FBCON_ST_ESC,		/* after ESC */
	FBCON_ST_ESC_INTER,	/* ESC + intermediate bytes (ESC ( B ...) */
	FBCON_ST_CSI,		/* after ESC [ */
	FBCON_ST_OSC,		/* after ESC ]: skipped up to BEL or ESC \ */
};

struct fbcon {
	struct spinlock lock;
	uint8_t *pixels;		/* [I] top-left pixel */
	struct boot_framebuffer fmt;	/* [I] geometry and channel layout */
	uint32_t bytes_pp;		/* [I] 2, 3 or 4 */
	uint32_t cols, rows;		/* [I] text cells on screen */
	uint32_t palette[FBCON_NR_COLOURS]; /* [I] pixel values */

	uint32_t row, col;		/* [L] cursor; col == cols: wrap pending */
	uint8_t fg, bg;			/* [L] palette indexes (fg without bold) */
	bool bold;			/* [L] SGR 1: bright foreground */
	uint8_t utf8_left;		/* [L] continuation bytes still expected */
	uint8_t state;			/* [L] enum fbcon_esc_state */
	bool csi_ignore;		/* [L] private/intermediate CSI: no action */
	uint8_t nparams;		/* [L] index of the CSI parameter being read */
	uint16_t params[FBCON_MAX_PARAMS]; /* [L] CSI parameters, 0 = default */
};

/*
 * Check that @fb describes a framebuffer fbcon can draw on: 16, 24 or 32
 * bits per pixel, at least one text cell, width and height at most
 * FBCON_MAX_DIM, width * bytes per pixel <= pitch <= 4 * FBCON_MAX_DIM, and
 * colour fields that fit in a pixel (all sizes 0 means the usual layout:
 * x8r8g8b8 / r8g8b8 / r5g6b5). Returns 0 or -EINVAL. Pure.
 */
int fbcon_check_format(const struct boot_framebuffer *fb);

/*
 * Set up @fc to draw on @pixels, laid out as @fb says (@fb->phys is not
 * used), clear the whole framebuffer to black and home the cursor. Pure: any
 * memory of @fb->pitch * @fb->height bytes will do. Returns 0, or -EINVAL when
 * @pixels is NULL or fbcon_check_format rejects @fb (then @fc is untouched).
 * Call before anyone else can reach @fc.
 */
int fbcon_setup(struct fbcon *fc, void *pixels, const struct boot_framebuffer *fb);

/*
 * Draw @len bytes of @s at the cursor: printable ASCII from the font, other
 * characters (UTF-8 sequences counted as one) as a box; \n is a new line,
 * \r goes to column 0, \t to the next tab stop, \b one column left; other
 * control bytes and escape sequences draw nothing. Takes fc->lock irqsave.
 */
void fbcon_write(struct fbcon *fc, const char *s, size_t len);

/*
 * The 16 font rows of the glyph for character @c (one byte per row, most
 * significant bit = leftmost pixel): printable ASCII, or a box for anything
 * else. Never NULL.
 */
const uint8_t *fbcon_font_glyph(uint32_t c);

/*
 * Kernel glue: map the framebuffer @fb (write-combining), set up a console
 * on it and register it with printk as "fb0". Returns 0; -ENODEV when there
 * is no framebuffer (@fb->phys == 0); -EINVAL for a format fbcon cannot draw;
 * -ENOMEM when it cannot be mapped; -EBUSY when already done. Boot CPU only.
 */
int fbcon_init(const struct boot_framebuffer *fb);

#endif
