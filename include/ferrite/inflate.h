/*
 * DEFLATE decompression (RFC 1951) with gzip framing (RFC 1952), for the
 * initramfs and anything else that arrives compressed. The input is one
 * buffer in memory; the output is streamed to a sink callback in chunks of
 * up to 128 KiB, so nothing the size of the uncompressed data is allocated.
 *
 * Corrupt or truncated input never makes the decoder read or write out of
 * bounds: it fails with -EBADMSG (bad compressed data, CRC or size
 * mismatch, truncation) or -EINVAL (not gzip, unknown method or flags).
 * Errors returned by the sink stop decoding and are passed back unchanged.
 * Each call allocates its working state (about 160 KiB, vmalloc) and frees
 * it before returning; calls are independent and may run concurrently.
 */
#ifndef FERRITE_INFLATE_H
#define FERRITE_INFLATE_H

#include <ferrite/compiler.h>

/* Receives @len (> 0) decompressed bytes; 0 to go on, or -errno to stop. */
typedef int (*inflate_sink_fn)(void *arg, const void *data, size_t len);

/* True if @in starts with the gzip magic bytes 1f 8b. */
bool inflate_is_gzip(const void *in, size_t len);

/*
 * Decompress the gzip members at the start of @in (one, or several
 * concatenated, as gzip(1) writes and reads them), checking each member's
 * header, CRC32 and ISIZE. Decoding stops after the last member, i.e. at
 * the first byte that does not start another gzip header; *@consumed (if
 * not NULL) receives the number of input bytes used. 0 or -errno.
 */
int inflate_gzip(const void *in, size_t len, size_t *consumed, inflate_sink_fn sink, void *arg);

/*
 * Decompress one raw DEFLATE stream (no framing) from @in; *@consumed gets
 * the input bytes used, up to the byte holding the end of the last block.
 * 0 or -errno.
 */
int inflate_raw(const void *in, size_t len, size_t *consumed, inflate_sink_fn sink, void *arg);

/* CRC-32 of ISO 3309 / ITU-T V.42 (gzip's, zlib's crc32): continue @crc over @buf. */
uint32_t inflate_crc32(uint32_t crc, const void *buf, size_t len);

#endif
