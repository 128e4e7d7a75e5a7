/*
 * Framebuffer text console, the drawing part: glyphs from the built-in 8x16
 * font painted into a linear RGB framebuffer of 16, 24 or 32 bits per pixel,
 * cursor movement, line wrap, scrolling, and a small ANSI/ECMA-48 parser so
 * that escape sequences are acted on or skipped instead of drawn.
 *
 * Pure code: it touches only the pixel buffer it was given, so the host unit
 * tests run it on ordinary memory. The kernel glue (mapping, console
 * registration) is in fbcon_glue.c.
 *
 * Wrap is deferred as on a VT100: writing the last column leaves the cursor
 * "past the end" (col == cols) and the next printable character starts a new
 * line, so a line of exactly cols characters followed by \n is not followed
 * by an empty line.
 */
#include <ferrite/fbcon.h>
#include <ferrite/errno.h>
#include <ferrite/string.h>

#define FBCON_PARAM_MAX	9999	/* CSI parameters saturate here */

/* The 16 colours as 0xRRGGBB, the usual CGA/VGA text-mode values. */
static const uint32_t fbcon_rgb[FBCON_NR_COLOURS] = {
	0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
	0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

/* Is the channel field at @pos of @size bits inside a pixel of @bpp bits? */
static bool fbcon_field_ok(uint32_t pos, uint32_t size, uint32_t bpp)
{
	return size <= 16 && pos + size <= bpp;
}

int fbcon_check_format(const struct boot_framebuffer *fb)
{
	uint32_t bytes_pp = fb->bpp / 8;

	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return -EINVAL;
	if (fb->width < FBCON_FONT_W || fb->height < FBCON_FONT_H)
		return -EINVAL;
	if (fb->width > FBCON_MAX_DIM || fb->height > FBCON_MAX_DIM)
		return -EINVAL;
	if (fb->pitch < fb->width * bytes_pp || fb->pitch > 4 * FBCON_MAX_DIM)
		return -EINVAL;
	if (!fbcon_field_ok(fb->red_pos, fb->red_size, fb->bpp) ||
	    !fbcon_field_ok(fb->green_pos, fb->green_size, fb->bpp) ||
	    !fbcon_field_ok(fb->blue_pos, fb->blue_size, fb->bpp))
		return -EINVAL;
	return 0;
}

/* Fill in the usual channel layout for @fmt->bpp when the loader gave none. */
static void fbcon_default_layout(struct boot_framebuffer *fmt)
{
	if (fmt->red_size || fmt->green_size || fmt->blue_size)
		return;
	if (fmt->bpp == 16) {
		fmt->red_pos = 11, fmt->red_size = 5;
		fmt->green_pos = 5, fmt->green_size = 6;
		fmt->blue_pos = 0, fmt->blue_size = 5;
	} else {
		fmt->red_pos = 16, fmt->red_size = 8;
		fmt->green_pos = 8, fmt->green_size = 8;
		fmt->blue_pos = 0, fmt->blue_size = 8;
	}
}

/* Scale the 8-bit intensity @v to a field of @size bits at @pos. */
static uint32_t fbcon_channel(uint32_t v, uint32_t pos, uint32_t size)
{
	uint32_t max = (1u << size) - 1;

	if (!size)
		return 0;	/* and @pos may be 32 */
	return ((v * max + 127) / 255) << pos;
}

/* The pixel value for colour 0xRRGGBB in @fmt's layout. */
static uint32_t fbcon_pixel(const struct boot_framebuffer *fmt, uint32_t rgb)
{
	return fbcon_channel((rgb >> 16) & 0xff, fmt->red_pos, fmt->red_size) |
	       fbcon_channel((rgb >> 8) & 0xff, fmt->green_pos, fmt->green_size) |
	       fbcon_channel(rgb & 0xff, fmt->blue_pos, fmt->blue_size);
}

/* Store one pixel of @bytes_pp bytes, little-endian, at any alignment. */
static inline void fbcon_store(uint8_t *p, uint32_t v, uint32_t bytes_pp)
{
	switch (bytes_pp) {
	case 4:
		memcpy(p, &v, 4);
		break;
	case 3:
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		break;
	default: {
		uint16_t h = (uint16_t)v;

		memcpy(p, &h, 2);
		break;
	}
	}
}

static uint8_t *fbcon_addr(const struct fbcon *fc, uint32_t x, uint32_t y)
{
	return fc->pixels + (size_t)y * fc->fmt.pitch + (size_t)x * fc->bytes_pp;
}

/* Paint the @w x @h pixel rectangle at (@x, @y) with pixel value @v. */
static void fbcon_fill(struct fbcon *fc, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
		       uint32_t v)
{
	uint8_t *first = fbcon_addr(fc, x, y);
	size_t bytes = (size_t)w * fc->bytes_pp;

	if (!w || !h)
		return;
	for (uint32_t i = 0; i < w; i++)
		fbcon_store(first + (size_t)i * fc->bytes_pp, v, fc->bytes_pp);
	/* Copy the first line down rather than repeat the pixel loop. */
	for (uint32_t j = 1; j < h; j++)
		memcpy(fbcon_addr(fc, x, y + j), first, bytes);
}

/* Paint text cells [@col0, @col1) of text row @row with the background. */
static void fbcon_clear_cells(struct fbcon *fc, uint32_t row, uint32_t col0, uint32_t col1)
{
	if (col0 >= col1)
		return;
	fbcon_fill(fc, col0 * FBCON_FONT_W, row * FBCON_FONT_H, (col1 - col0) * FBCON_FONT_W,
		   FBCON_FONT_H, fc->palette[fc->bg]);
}

static void fbcon_clear_rows(struct fbcon *fc, uint32_t row0, uint32_t row1)
{
	for (uint32_t r = row0; r < row1; r++)
		fbcon_clear_cells(fc, r, 0, fc->cols);
}

int fbcon_setup(struct fbcon *fc, void *pixels, const struct boot_framebuffer *fb)
{
	if (!pixels || fbcon_check_format(fb))
		return -EINVAL;
	memset(fc, 0, sizeof(*fc));
	spin_lock_init(&fc->lock, "fbcon");
	fc->pixels = pixels;
	fc->fmt = *fb;
	fbcon_default_layout(&fc->fmt);
	fc->bytes_pp = fb->bpp / 8;
	fc->cols = fb->width / FBCON_FONT_W;
	fc->rows = fb->height / FBCON_FONT_H;
	for (int i = 0; i < FBCON_NR_COLOURS; i++)
		fc->palette[i] = fbcon_pixel(&fc->fmt, fbcon_rgb[i]);
	fc->fg = FBCON_DEFAULT_FG;
	fc->bg = FBCON_DEFAULT_BG;
	fc->state = FBCON_ST_TEXT;
	/* The whole surface, margins right and below the text area too. */
	fbcon_fill(fc, 0, 0, fb->width, fb->height, fc->palette[FBCON_BLACK]);
	return 0;
}

/* Draw @glyph in text cell (@row, @col) in the current colours. */
static void fbcon_draw_glyph(struct fbcon *fc, uint32_t row, uint32_t col, const uint8_t *glyph)
{
	uint32_t fg = fc->palette[fc->fg | (fc->bold ? FBCON_BRIGHT : 0)];
	uint32_t bg = fc->palette[fc->bg];
	uint32_t bpp = fc->bytes_pp;

	for (uint32_t y = 0; y < FBCON_FONT_H; y++) {
		uint8_t *p = fbcon_addr(fc, col * FBCON_FONT_W, row * FBCON_FONT_H + y);
		uint8_t bits = glyph[y];

		for (uint32_t x = 0; x < FBCON_FONT_W; x++, p += bpp)
			fbcon_store(p, (bits & (0x80 >> x)) ? fg : bg, bpp);
	}
}

/* Move every text row up by one and blank the last; the top row is lost. */
static void fbcon_scroll(struct fbcon *fc)
{
	size_t line = (size_t)FBCON_FONT_H * fc->fmt.pitch;

	memmove(fc->pixels, fc->pixels + line, (fc->rows - 1) * line);
	fbcon_clear_rows(fc, fc->rows - 1, fc->rows);
}

/* Cursor down one row, scrolling at the bottom; the column stays. */
static void fbcon_linefeed(struct fbcon *fc)
{
	if (fc->row + 1 < fc->rows) {
		fc->row++;
		return;
	}
	fbcon_scroll(fc);
}

/* Draw one character at the cursor and advance, wrapping first if pending. */
static void fbcon_put_glyph(struct fbcon *fc, uint32_t c)
{
	if (fc->col >= fc->cols) {
		fc->col = 0;
		fbcon_linefeed(fc);
	}
	fbcon_draw_glyph(fc, fc->row, fc->col, fbcon_font_glyph(c));
	fc->col++;
}

/* A C0 control character (below 0x20, or DEL): act on it or ignore it. */
static void fbcon_control(struct fbcon *fc, uint8_t c)
{
	switch (c) {
	case '\n':
		fc->col = 0;
		fbcon_linefeed(fc);
		break;
	case '\r':
		fc->col = 0;
		break;
	case '\t':
		if (fc->col < fc->cols)
			fc->col = MIN(ALIGN_DOWN(fc->col, FBCON_TAB) + FBCON_TAB, fc->cols - 1);
		break;
	case '\b':
		/* From the pending-wrap position, back onto the last column. */
		if (fc->col >= fc->cols)
			fc->col = fc->cols - 1;
		else if (fc->col > 0)
			fc->col--;
		break;
	default:
		break;	/* BEL, NUL, printk's level marker ...: nothing to draw */
	}
}

/* SGR (ESC [ ... m): colours and intensity; unknown attributes are ignored. */
static void fbcon_sgr(struct fbcon *fc)
{
	for (uint32_t i = 0; i <= fc->nparams; i++) {
		uint32_t p = fc->params[i];

		if (p == 0) {
			fc->fg = FBCON_DEFAULT_FG;
			fc->bg = FBCON_DEFAULT_BG;
			fc->bold = false;
		} else if (p == 1) {
			fc->bold = true;
		} else if (p == 22) {
			fc->bold = false;
		} else if (p >= 30 && p <= 37) {
			fc->fg = p - 30;
		} else if (p == 39) {
			fc->fg = FBCON_DEFAULT_FG;
		} else if (p >= 40 && p <= 47) {
			fc->bg = p - 40;
		} else if (p == 49) {
			fc->bg = FBCON_DEFAULT_BG;
		} else if (p >= 90 && p <= 97) {
			fc->fg = p - 90 + FBCON_BRIGHT;
		} else if (p >= 100 && p <= 107) {
			fc->bg = p - 100 + FBCON_BRIGHT;
		}
	}
}

/* ED (ESC [ n J): 0 cursor to end of screen, 1 start to cursor, 2/3 all. */
static void fbcon_erase_display(struct fbcon *fc, uint32_t mode)
{
	uint32_t col = MIN(fc->col, fc->cols - 1);

	if (mode == 0) {
		fbcon_clear_cells(fc, fc->row, col, fc->cols);
		fbcon_clear_rows(fc, fc->row + 1, fc->rows);
	} else if (mode == 1) {
		fbcon_clear_rows(fc, 0, fc->row);
		fbcon_clear_cells(fc, fc->row, 0, col + 1);
	} else if (mode == 2 || mode == 3) {
		fbcon_clear_rows(fc, 0, fc->rows);
	}
}

/* EL (ESC [ n K): 0 cursor to end of line, 1 start to cursor, 2 whole line. */
static void fbcon_erase_line(struct fbcon *fc, uint32_t mode)
{
	uint32_t col = MIN(fc->col, fc->cols - 1);

	if (mode == 0)
		fbcon_clear_cells(fc, fc->row, col, fc->cols);
	else if (mode == 1)
		fbcon_clear_cells(fc, fc->row, 0, col + 1);
	else if (mode == 2)
		fbcon_clear_cells(fc, fc->row, 0, fc->cols);
}

/* Move the cursor by (@drow, @dcol) cells, staying on the screen. */
static void fbcon_move(struct fbcon *fc, int64_t drow, int64_t dcol)
{
	int64_t row = (int64_t)fc->row + drow;
	int64_t col = (int64_t)MIN(fc->col, fc->cols - 1) + dcol;

	fc->row = (uint32_t)(row < 0 ? 0 : MIN(row, (int64_t)fc->rows - 1));
	fc->col = (uint32_t)(col < 0 ? 0 : MIN(col, (int64_t)fc->cols - 1));
}

/* Act on the CSI sequence ended by @final (ECMA-48 §8.3); others ignored. */
static void fbcon_csi_dispatch(struct fbcon *fc, uint8_t final)
{
	uint32_t n = fc->params[0] ? fc->params[0] : 1;

	switch (final) {
	case 'm':
		fbcon_sgr(fc);
		break;
	case 'A':
		fbcon_move(fc, -(int64_t)n, 0);
		break;
	case 'B':
		fbcon_move(fc, n, 0);
		break;
	case 'C':
		fbcon_move(fc, 0, n);
		break;
	case 'D':
		fbcon_move(fc, 0, -(int64_t)n);
		break;
	case 'H':
	case 'f':
		fc->row = fc->col = 0;
		fbcon_move(fc, (int64_t)n - 1, fc->params[1] ? fc->params[1] - 1 : 0);
		break;
	case 'J':
		fbcon_erase_display(fc, fc->params[0]);
		break;
	case 'K':
		fbcon_erase_line(fc, fc->params[0]);
		break;
	}
}

/* A byte inside ESC [ ...: parameters, intermediates, or the final byte. */
static void fbcon_csi(struct fbcon *fc, uint8_t c)
{
	uint16_t *p = &fc->params[fc->nparams];

	if (c >= '0' && c <= '9') {
		*p = (uint16_t)MIN(*p * 10u + (c - '0'), (uint32_t)FBCON_PARAM_MAX);
	} else if (c == ';') {
		if (fc->nparams + 1 < FBCON_MAX_PARAMS)
			fc->nparams++;
	} else if (c >= 0x20 && c <= 0x3f) {
		/* Private markers (ESC [ ? 25 l), intermediates, ':' sub-params. */
		fc->csi_ignore = true;
	} else {
		if (c >= 0x40 && c <= 0x7e && !fc->csi_ignore)
			fbcon_csi_dispatch(fc, c);
		fc->state = FBCON_ST_TEXT;
	}
}

/* Back to defaults: colours, cursor home, parser idle, screen cleared. */
static void fbcon_reset(struct fbcon *fc)
{
	fc->fg = FBCON_DEFAULT_FG;
	fc->bg = FBCON_DEFAULT_BG;
	fc->bold = false;
	fc->row = fc->col = 0;
	fc->state = FBCON_ST_TEXT;
	fbcon_clear_rows(fc, 0, fc->rows);
}

/* A byte after ESC (and its intermediates): introducer or final byte. */
static void fbcon_esc(struct fbcon *fc, uint8_t c)
{
	if (c >= 0x20 && c <= 0x2f) {		/* ESC ( B and the like */
		fc->state = FBCON_ST_ESC_INTER;
		return;
	}
	if (fc->state == FBCON_ST_ESC_INTER) {	/* their final byte */
		fc->state = FBCON_ST_TEXT;
		return;
	}
	if (c == '[') {
		fc->state = FBCON_ST_CSI;
		fc->nparams = 0;
		fc->csi_ignore = false;
		memset(fc->params, 0, sizeof(fc->params));
	} else if (c == ']') {
		fc->state = FBCON_ST_OSC;
	} else if (c == 'c') {
		fbcon_reset(fc);		/* RIS */
	} else {
		fc->state = FBCON_ST_TEXT;	/* ESC 7, ESC M ...: ignored */
	}
}

/*
 * A byte of text: ASCII draws its glyph; a UTF-8 sequence draws one box
 * (the font has nothing beyond ASCII), its continuation bytes nothing.
 */
static void fbcon_text(struct fbcon *fc, uint8_t c)
{
	if (c >= 0x80 && c <= 0xbf && fc->utf8_left) {
		fc->utf8_left--;
		return;
	}
	if (c >= 0xf0 && c <= 0xf7)
		fc->utf8_left = 3;
	else if (c >= 0xe0 && c <= 0xef)
		fc->utf8_left = 2;
	else if (c >= 0xc0 && c <= 0xdf)
		fc->utf8_left = 1;
	else
		fc->utf8_left = 0;
	fbcon_put_glyph(fc, c);
}

/* Feed one byte through the escape parser. Caller holds fc->lock. */
static void fbcon_feed_locked(struct fbcon *fc, uint8_t c)
{
	if (c == 0x1b) {			/* ESC starts over anywhere */
		fc->state = FBCON_ST_ESC;
		return;
	}
	if (c == 0x18 || c == 0x1a) {		/* CAN, SUB: abandon a sequence */
		fc->state = FBCON_ST_TEXT;
		return;
	}
	if (fc->state == FBCON_ST_OSC) {	/* a title string: skip to BEL */
		if (c == 0x07)
			fc->state = FBCON_ST_TEXT;
		return;
	}
	if (c < 0x20 || c == 0x7f) {		/* controls act even mid-sequence */
		fc->utf8_left = 0;
		fbcon_control(fc, c);
		return;
	}
	if (fc->state == FBCON_ST_TEXT)
		fbcon_text(fc, c);
	else if (fc->state == FBCON_ST_CSI)
		fbcon_csi(fc, c);
	else
		fbcon_esc(fc, c);
}

void fbcon_write(struct fbcon *fc, const char *s, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&fc->lock);

	for (size_t i = 0; i < len; i++)
		fbcon_feed_locked(fc, (uint8_t)s[i]);
	spin_unlock_irqrestore(&fc->lock, flags);
}
